import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { createStripeMirror } from '../../src/models/mirror.js';
import { createWebhookHandler, EventLogUnavailableError, WebhookRejectedError, type WebhookHandler } from '../../src/webhooks/index.js';
import { storageFailure } from '../../src/webhooks/unstorable.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, withId, type WebhookServer } from './support.js';

/** A payload nested `depth` levels below `data.object.metadata`. */
function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let level = 0; level < depth; level += 1) {
    const child: Record<string, unknown> = {};
    current.inner = child;
    current = child;
  }
  return root;
}

describe('webhook deliveries MongoDB can never store', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;
  const withNulKey = withId(event, 'evt_nul_key', { data: { object: { ...event.data.object, metadata: { 'a\u0000b': 'x' } } } });
  const tooDeep = withId(event, 'evt_too_deep', { data: { object: { ...event.data.object, metadata: nested(500) } } });
  let server: WebhookServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(mode: 'sync' | 'queue'): Promise<WebhookHandler> {
    const handler = createWebhookHandler({ secrets: [SECRET], mode });
    server = await startWebhookServer({ handler });
    return handler;
  }

  async function storedCount(): Promise<number> {
    return (await collection('stripe_events').countDocuments()) + (await collection('stripe_objects').countDocuments());
  }

  for (const mode of ['sync', 'queue'] as const) {
    it(`answers a field name with a NUL byte 400 webhook_unstorable_event and stores nothing (${mode} mode)`, async () => {
      const handler = await serve(mode);
      const response = await deliver(server!.url, withNulKey);
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('webhook_unstorable_event');
      expect(handler.metrics()).to.deep.include({ unavailable: 0 });
      expect(handler.metrics().rejected.unstorable_event).to.equal(1);
      expect(await storedCount()).to.equal(0);
    });
  }

  it('answers an event nested 500 levels deep 400 webhook_unstorable_event and stores nothing', async () => {
    const handler = await serve('sync');
    const response = await deliver(server!.url, JSON.stringify(tooDeep));
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_unstorable_event');
    expect(handler.metrics().rejected.unstorable_event).to.equal(1);
    expect(await storedCount()).to.equal(0);
  });

  it('does not echo the offending field name', async () => {
    await serve('sync');
    const response = await deliver(server!.url, withNulKey);
    expect(JSON.stringify(response.body)).not.to.include('a\\u0000b');
  });

  it('still answers 503 event_log_unavailable when the database itself is down', async () => {
    const mongo = await startEmbeddedMongo();
    const connection = await mongoose
      .createConnection(mongo.uri, { dbName: 'webhooks_unstorable', serverSelectionTimeoutMS: 300, bufferCommands: false })
      .asPromise();
    try {
      const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection }) });
      server = await startWebhookServer({ handler });
      await mongo.stop();
      const response = await deliver(server.url, event);
      expect(response.status).to.equal(503);
      expect(response.body.error).to.equal('event_log_unavailable');
      expect(handler.metrics()).to.deep.include({ unavailable: 1 });
    } finally {
      await connection.close();
    }
  });
});

describe('storageFailure()', () => {
  it('classifies a RangeError thrown by the serializer as an unstorable event', () => {
    const classified = storageFailure(new RangeError('Maximum call stack size exceeded'));
    expect(classified).to.be.instanceOf(WebhookRejectedError).and.include({ reason: 'unstorable_event' });
  });

  it('classifies any other failure as the event log being unavailable', () => {
    expect(storageFailure(new Error('connection reset'))).to.be.instanceOf(EventLogUnavailableError);
  });
});

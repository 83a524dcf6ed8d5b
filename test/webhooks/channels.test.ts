import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createWebhookHandler, WEBHOOK_CHANNELS, type WebhookReceivedMessage, type WebhookSettledMessage } from '../../src/webhooks/index.js';
import { expect } from '../support/chai.js';
import { deliver, eventually, fixtureEvents, SECRET, startWebhookServer, withId, type WebhookServer } from './support.js';

type Seen = { channel: keyof typeof WEBHOOK_CHANNELS; message: WebhookReceivedMessage | WebhookSettledMessage };

describe('diagnostics channels', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;
  let seen: Seen[];
  const listenerFor = (channel: Seen['channel']) => (message: unknown): void => void seen.push({ channel, message } as Seen);
  const listeners = { received: listenerFor('received'), applied: listenerFor('applied'), failed: listenerFor('failed') };
  let server: WebhookServer | undefined;

  beforeEach(() => {
    seen = [];
    for (const [channel, name] of Object.entries(WEBHOOK_CHANNELS)) subscribe(name, listeners[channel as keyof typeof WEBHOOK_CHANNELS]);
  });

  afterEach(async () => {
    for (const [channel, name] of Object.entries(WEBHOOK_CHANNELS)) unsubscribe(name, listeners[channel as keyof typeof WEBHOOK_CHANNELS]);
    await server?.close();
    server = undefined;
  });

  it('are named stripe-mirror:webhook:received, :applied and :failed', () => {
    expect(WEBHOOK_CHANNELS).to.deep.equal({
      received: 'stripe-mirror:webhook:received',
      applied: 'stripe-mirror:webhook:applied',
      failed: 'stripe-mirror:webhook:failed',
    });
  });

  it('publish a delivery as received, then applied with its status and duration, then a redelivery as a duplicate', async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }) });
    await deliver(server.url, event);
    await deliver(server.url, event);
    expect(seen.map(({ channel }) => channel)).to.deep.equal(['received', 'applied', 'received', 'applied']);
    const [received, applied, , duplicate] = seen.map(({ message }) => message);
    expect(received?.source).to.equal('webhook');
    expect(received?.event.id).to.equal(event.id);
    expect(applied).to.include({ status: 'processed', duplicate: false, source: 'webhook' });
    expect((applied as WebhookSettledMessage).durationMs).to.be.a('number').and.to.be.at.least(0);
    expect(duplicate).to.include({ status: 'processed', duplicate: true });
  });

  it('publish a failed apply on :failed with its error', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('customer.created', () => {
      throw new Error('downstream is down');
    });
    server = await startWebhookServer({ handler });
    expect((await deliver(server.url, event)).status).to.equal(500);
    const failed = seen.find(({ channel }) => channel === 'failed')?.message as WebhookSettledMessage | undefined;
    expect(failed).to.include({ status: 'failed', duplicate: false });
    expect(String((failed?.error as Error).message)).to.include('downstream is down');
  });

  it('publish the queue worker applying a stored event', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    server = await startWebhookServer({ handler });
    expect((await deliver(server.url, withId(event, 'evt_channels_queued'))).status).to.equal(202);
    const worker = handler.startWorker({ pollMs: 10 });
    try {
      await eventually(async () => seen.some(({ channel }) => channel === 'applied'));
    } finally {
      await worker.stop();
    }
    expect(seen.map(({ channel, message }) => [channel, message.event.id])).to.deep.equal([
      ['received', 'evt_channels_queued'],
      ['applied', 'evt_channels_queued'],
    ]);
  });
});

import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import {
  createWebhookHandler,
  EventHooks,
  EventInProgressError,
  ingestStripeEvent,
  isStripeEvent,
  WebhookHookError,
} from '../../src/webhooks/index.js';
import mongoose from 'mongoose';
import { createStripeMirror } from '../../src/models/mirror.js';
import { testMongoUri } from '../support/setup.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer } from './support.js';

/** A fixture event typed as the SDK's event (the fixtures are checked with the library's own guard). */
function fixture(file: string): Stripe.Event {
  const event: unknown = fixtureEvents('current').find((entry) => entry.file === file)?.event;
  if (!isStripeEvent(event)) throw new Error(`${file} is not an event fixture`);
  return event;
}

describe('ingestStripeEvent()', () => {
  const event = fixture('customer.created.json');
  const objectId = String(fixtureEvents('current').find((entry) => entry.file === 'customer.created.json')?.event.data.object.id);

  it('records the event in the log as processed and applies it, with the source it is given', async () => {
    const result = await ingestStripeEvent(event, { source: 'replay' });
    expect(result).to.include({ id: event.id, status: 'processed', duplicate: false });
    expect(result.report?.ids).to.include(objectId);
    const stored = await collection('stripe_events').findOne({ _id: event.id });
    expect(stored).to.include({ status: 'processed', attempts: 1, lastError: null });
    expect(stored?._mirror).to.include({ source: 'replay', sourceId: event.id });
    const object = await collection('stripe_objects').findOne({ _id: objectId });
    expect(object?._mirror).to.include({ source: 'replay', sourceId: event.id });
  });

  it('treats a second ingest of a processed event as a duplicate that applies nothing and runs no hook', async () => {
    let runs = 0;
    const hooks = new EventHooks().on('*', () => {
      runs += 1;
    });
    await ingestStripeEvent(event, { hooks });
    await collection('stripe_objects').deleteMany({});
    const again = await ingestStripeEvent(event, { hooks });
    expect(again).to.deep.equal({ id: event.id, status: 'processed', duplicate: true, report: null });
    expect(runs).to.equal(1);
    expect(await collection('stripe_objects').countDocuments()).to.equal(0);
    expect(await collection('stripe_events').findOne({ _id: event.id })).to.include({ attempts: 1 });
  });

  it('records a failure as failed with the error, rejects, and applies the event on the next ingest', async () => {
    let failing = true;
    const hooks = new EventHooks().on('*', () => {
      if (failing) throw new Error('downstream refused');
    });
    await expect(ingestStripeEvent(event, { hooks, source: 'backfill' })).to.be.rejectedWith(WebhookHookError);
    const failed = await collection('stripe_events').findOne({ _id: event.id });
    expect(failed).to.include({ status: 'failed', attempts: 1 });
    expect((failed?.lastError as { message: string }).message).to.include('downstream refused');
    expect(failed?._mirror).to.include({ source: 'backfill' });

    failing = false;
    expect(await ingestStripeEvent(event, { hooks })).to.include({ status: 'processed', duplicate: false });
    expect(await collection('stripe_events').findOne({ _id: event.id })).to.include({ status: 'processed', attempts: 2, lastError: null });
  });

  async function heldElsewhere(): Promise<void> {
    await collection('stripe_events').insertOne({
      ...structuredClone(event),
      _id: event.id,
      status: 'processing',
      attempts: 1,
      leaseUntil: new Date(Date.now() + 60_000),
    });
  }

  it('rejects with EventInProgressError while another process holds the event, leaving its claim alone', async () => {
    await heldElsewhere();
    await expect(ingestStripeEvent(event)).to.be.rejectedWith(EventInProgressError);
    expect(await collection('stripe_events').findOne({ _id: event.id })).to.include({ status: 'processing', attempts: 1 });
  });

  it('neither applies nor runs hooks of an event with hooks while another process holds it', async () => {
    await heldElsewhere();
    const ran: string[] = [];
    const hooks = new EventHooks().on('*', (received) => void ran.push(received.id));
    await expect(ingestStripeEvent(event, { hooks })).to.be.rejectedWith(EventInProgressError);
    expect(ran).to.deep.equal([]);
    expect(await collection('stripe_objects').countDocuments()).to.equal(0);
  });

  it('records an event with nothing to mirror as ignored', async () => {
    const bare = { ...structuredClone(event), id: 'evt_ingest_bare', data: { object: { object: 'balance' } } } as unknown as Stripe.Event;
    expect(await ingestStripeEvent(bare)).to.include({ status: 'ignored', duplicate: false, report: null });
    expect(await collection('stripe_events').findOne({ _id: bare.id })).to.include({ status: 'ignored' });
  });

  it('records events ingested concurrently through one handler with shared writes, each with its own outcome', async () => {
    const copies = Array.from({ length: 20 }, (_, i) => withIds(event, `evt_ingest_many_${i}`, `cus_ingest_many_${i}`));
    const bare = { ...structuredClone(event), id: 'evt_ingest_many_bare', data: { object: { object: 'balance' } } } as unknown as Stripe.Event;
    const connection = await mongoose.createConnection(testMongoUri(), { dbName: 'stripe_mirror_test', monitorCommands: true }).asPromise();
    try {
      const handler = createWebhookHandler({ secrets: ['whsec_unused'], mirror: createStripeMirror({ connection }) });
      await handler.ingest(withIds(event, 'evt_ingest_many_warmup', 'cus_ingest_many_warmup'));
      const commands: string[] = [];
      connection.getClient().on('commandStarted', ({ commandName }) => {
        if (commandName !== 'create' && commandName !== 'createIndexes') commands.push(commandName);
      });
      await Promise.all([...copies, bare].map((copy) => handler.ingest(copy)));
      expect(commands.length, commands.join(',')).to.be.at.most(5);
    } finally {
      await connection.close();
    }
    const stored = await collection('stripe_events').find({}, { projection: { status: 1, processedAt: 1 } }).toArray();
    expect(stored.filter((doc) => doc.status === 'processed' && doc.processedAt instanceof Date)).to.have.length(copies.length + 1);
    expect(stored.find((doc) => doc._id === bare.id)).to.include({ status: 'ignored' });
  });
});

/** The event with its own event id and object id. */
function withIds(event: Stripe.Event, eventId: string, objectId: string): Stripe.Event {
  const copy = structuredClone(event);
  return { ...copy, id: eventId, data: { ...copy.data, object: { ...copy.data.object, id: objectId } } } as Stripe.Event;
}

describe('WebhookHandler.ingest()', () => {
  const event = fixture('invoice.paid.json');

  it("runs the handler's hooks and counts the outcome and the duplicate", async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('invoice.paid', (paid) => {
      seen.push(paid.id);
    });
    expect(await handler.ingest(event, { source: 'webhook' })).to.include({ status: 'processed', duplicate: false });
    expect(await handler.ingest(event)).to.include({ duplicate: true });
    expect(seen).to.deep.equal([event.id]);
    expect(handler.metrics()).to.include({ received: 0, processed: 1, duplicates: 1, failed: 0 });
    expect((await collection('stripe_events').findOne({ _id: event.id }))?._mirror).to.include({ source: 'webhook' });
  });

  it('counts a failing ingest as failed and rethrows the error', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('*', () => {
      throw new Error('nope');
    });
    await expect(handler.ingest(event)).to.be.rejectedWith(WebhookHookError);
    expect(handler.metrics()).to.include({ failed: 1, processed: 0 });
  });

  it('makes a later signed delivery of the same event a duplicate', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET] });
    await handler.ingest(event);
    const server = await startWebhookServer({ handler });
    try {
      const delivery = await deliver(server.url, event);
      expect(delivery.status).to.equal(200);
      expect(delivery.body).to.include({ duplicate: true, status: 'processed' });
    } finally {
      await server.close();
    }
  });
});

import { expect } from '../support/chai.js';
import { applyStripeEvent, createWebhookHandler, isStripeEvent, reprocessEvents } from '../../src/webhooks/index.js';
import { collection, deliver, scenarioEvents, SECRET, startWebhookServer, type FixtureEvent } from './support.js';

describe('reprocessEvents()', () => {
  const events = scenarioEvents();
  const eventsCollection = () => collection('stripe_events');

  async function storeQueued(list: readonly FixtureEvent[]): Promise<void> {
    const server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET], mode: 'queue' }) });
    try {
      for (const event of list) await deliver(server.url, event);
    } finally {
      await server.close();
    }
  }

  it('replays every stored event through the apply path, oldest first', async () => {
    await storeQueued(events);
    const report = await reprocessEvents();
    expect(report).to.deep.equal({ matched: events.length, processed: events.length, ignored: 0, invalid: 0, failed: 0, skipped: 0 });
    expect(await eventsCollection().distinct('status')).to.deep.equal(['processed']);
    const customer = await collection('stripe_objects').findOne({ object: 'customer' });
    expect(customer!._mirror).to.include({ source: 'replay' });
  });

  it('replays only failed events with failed: true', async () => {
    await storeQueued(events.slice(0, 3));
    await eventsCollection().updateOne({ _id: events[1]!.id }, { $set: { status: 'failed' } });
    const report = await reprocessEvents({ failed: true });
    expect(report).to.include({ matched: 1, processed: 1 });
    expect(await eventsCollection().countDocuments({ status: 'pending' })).to.equal(2);
  });

  it('filters by type and by creation time', async () => {
    await storeQueued(events);
    const invoices = events.filter((event) => event.type.startsWith('invoice.'));
    expect(await reprocessEvents({ type: invoices.map((event) => event.type) })).to.include({ matched: invoices.length });
    const last = events[events.length - 1]!;
    expect(await reprocessEvents({ since: new Date(last.created * 1000) })).to.include({ matched: 1 });
  });

  it('runs the hooks of the handler it is given', async () => {
    await storeQueued(events.slice(0, 2));
    const seen: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('*', (event) => {
      seen.push(event.id);
    });
    await handler.reprocess();
    expect(seen).to.deep.equal(events.slice(0, 2).map((event) => event.id));
  });

  it('counts a failing event as failed and keeps going', async () => {
    await storeQueued(events.slice(0, 2));
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('product.created', () => {
      throw new Error('nope');
    });
    expect(await handler.reprocess()).to.include({ matched: 2, processed: 1, failed: 1 });
  });
});

describe('applyStripeEvent()', () => {
  it('applies an unsigned event without touching the event log', async () => {
    const first: unknown = scenarioEvents()[0];
    if (!isStripeEvent(first)) throw new Error('fixture is not an event');
    const result = await applyStripeEvent(first);
    expect(result.status).to.equal('processed');
    expect(result.report!.ids).to.include(scenarioEvents()[0]!.data.object.id);
    expect(await collection('stripe_events').countDocuments()).to.equal(0);
  });
});

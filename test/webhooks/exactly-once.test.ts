import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, type WebhookServer } from './support.js';

describe('webhook deliveries of one event', () => {
  let server: WebhookServer;
  let handler: WebhookHandler;
  const applied: string[] = [];
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.subscription.updated.json')!.event;

  before(async () => {
    handler = createWebhookHandler({ secrets: [SECRET] }).on('*', (received) => {
      applied.push(received.id);
    });
    server = await startWebhookServer({ handler });
  });
  after(() => server.close());
  beforeEach(() => {
    applied.length = 0;
  });

  async function storedEvent(): Promise<Record<string, unknown> | null> {
    return collection('stripe_events').findOne({ _id: event.id });
  }

  it('applies an event delivered 5 times in a row once and answers every delivery 200', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await deliver(server.url, event)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200]);
    expect(applied).to.deep.equal([event.id]);
    expect(await storedEvent()).to.include({ status: 'processed', attempts: 1 });
  });

  it('answers the duplicates of a processed event as duplicates', async () => {
    await deliver(server.url, event);
    const again = await deliver(server.url, event);
    expect(again.body).to.include({ received: true, duplicate: true, status: 'processed' });
  });

  it('applies an event delivered 10 times at once exactly once, answering 200 or 409', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(server.url, event)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 200 || status === 409), statuses.join(',')).to.equal(true);
    expect(applied).to.deep.equal([event.id]);
    expect(await storedEvent()).to.include({ status: 'processed', attempts: 1 });
  });

  it('answers 200 to a retry after a 409', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(server.url, event)));
    const conflicts = responses.filter((response) => response.status === 409).length;
    const retries = await Promise.all(Array.from({ length: Math.max(conflicts, 1) }, () => deliver(server.url, event)));
    expect(retries.map((response) => response.status)).to.satisfy((all: number[]) => all.every((s) => s === 200));
  });

  /** A handler whose hook for the event waits for `release()`: its delivery holds the lease until then. */
  async function heldDelivery(): Promise<{
    server: WebhookServer;
    handler: WebhookHandler;
    first: ReturnType<typeof deliver>;
    release: () => void;
  }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = createWebhookHandler({ secrets: [SECRET] }).on('customer.subscription.updated', async (received) => {
      await gate;
      applied.push(received.id);
    });
    const server = await startWebhookServer({ handler: slow });
    const first = deliver(server.url, event);
    await waitForStatus('processing');
    return { server, handler: slow, first, release };
  }

  it('answers 409 while another process holds the lease', async () => {
    const held = await heldDelivery();
    const otherProcess = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }).on('*', () => undefined) });
    try {
      const second = await deliver(otherProcess.url, event);
      held.release();
      expect(second.status).to.equal(409);
      expect(second.body.error).to.equal('event_in_progress');
      expect((await held.first).status).to.equal(200);
      expect((await deliver(otherProcess.url, event)).status).to.equal(200);
      expect(applied).to.deep.equal([event.id]);
    } finally {
      held.release();
      await Promise.all([held.server.close(), otherProcess.close()]);
    }
  });

  it('makes a duplicate arriving while its twin is applied in the same process wait and answer 200 as a duplicate', async () => {
    const held = await heldDelivery();
    try {
      const second = deliver(held.server.url, event);
      await waitUntil(() => held.handler.metrics().received === 2);
      held.release();
      const [first, twin] = await Promise.all([held.first, second]);
      expect(first.status).to.equal(200);
      expect(twin.status).to.equal(200);
      expect(twin.body).to.include({ received: true, duplicate: true, status: 'processed' });
      expect(applied).to.deep.equal([event.id]);
    } finally {
      held.release();
      await held.server.close();
    }
  });

  it('types hooks by event type', async () => {
    const statuses: Stripe.Subscription.Status[] = [];
    const typed = createWebhookHandler({ secrets: [SECRET] }).on('customer.subscription.updated', (received) => {
      statuses.push(received.data.object.status);
    });
    // @ts-expect-error: 'customer.subscription.renamed' is not a member of the Stripe.Event union
    typed.on('customer.subscription.renamed', () => undefined);
    const typedServer = await startWebhookServer({ handler: typed });
    try {
      await deliver(typedServer.url, event);
    } finally {
      await typedServer.close();
    }
    expect(statuses).to.deep.equal([(event.data.object as { status: string }).status]);
  });

  async function waitUntil(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!condition()) throw new Error('condition never met');
  }

  async function waitForStatus(status: string): Promise<void> {
    for (let i = 0; i < 500; i += 1) {
      if ((await storedEvent())?.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`event never reached ${status}`);
  }
});

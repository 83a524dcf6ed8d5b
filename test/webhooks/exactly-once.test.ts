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

  it('answers 409 while another delivery holds the lease', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = createWebhookHandler({ secrets: [SECRET] }).on('customer.subscription.updated', () => gate);
    const slowServer = await startWebhookServer({ handler: slow });
    try {
      const first = deliver(slowServer.url, event);
      await waitForStatus('processing');
      const second = await deliver(slowServer.url, event);
      release();
      expect(second.status).to.equal(409);
      expect(second.body.error).to.equal('event_in_progress');
      expect((await first).status).to.equal(200);
      expect((await deliver(slowServer.url, event)).status).to.equal(200);
    } finally {
      release();
      await slowServer.close();
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

  async function waitForStatus(status: string): Promise<void> {
    for (let i = 0; i < 500; i += 1) {
      if ((await storedEvent())?.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`event never reached ${status}`);
  }
});

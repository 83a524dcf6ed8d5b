import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, eventually, fixtureEvents, SECRET, startWebhookServer } from './support.js';

const event = fixtureEvents('current').find(({ file }) => file === 'customer.subscription.updated.json')!.event;

describe('a delivery time budget (deliveryTimeoutMs)', () => {
  it('answers 503 once the budget is spent, keeps working, and answers the redelivery 200 as a duplicate', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const applied: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET], deliveryTimeoutMs: 100 }).on('customer.subscription.updated', async (received) => {
      await gate;
      applied.push(received.id);
    });
    const server = await startWebhookServer({ handler });
    try {
      const started = Date.now();
      const first = await deliver(server.url, event);
      expect(first.status).to.equal(503);
      expect(first.body.error).to.equal('webhook_delivery_timeout');
      expect(Date.now() - started).to.be.below(5_000);
      release();
      await eventually(async () => (await collection('stripe_events').findOne({ _id: event.id }))?.status === 'processed');
      const again = await deliver(server.url, event);
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ duplicate: true, status: 'processed' });
      expect(applied).to.deep.equal([event.id]);
      expect(await collection('stripe_events').findOne({ _id: event.id })).to.include({ status: 'processed', attempts: 1 });
    } finally {
      release();
      await server.close();
    }
  });

  it('refuses a negative budget when the handler is created', () => {
    expect(() => createWebhookHandler({ secrets: [SECRET], deliveryTimeoutMs: -1 })).to.throw(/deliveryTimeoutMs/);
  });
});

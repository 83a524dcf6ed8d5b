import type Stripe from 'stripe';
import mongoose from 'mongoose';
import { catchUpEvents, TokenBucket } from '../../src/backfill/index.js';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { makeEvent, signWebhookPayload, startFakeStripe, type FakeStripe } from '../../src/testing/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { expect } from '../support/chai.js';

const SECRET = 'whsec_catch_up_test';

describe('catchUpEvents()', () => {
  let fake: FakeStripe;
  let mirror: StripeMirror;

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    mirror = createStripeMirror({ connection: mongoose.connection, stripe: fake.client() });
  });

  afterEach(async () => {
    await fake.stop();
  });

  /** Delivers an event through the signed webhook path, so the log records it as processed. */
  async function deliver(event: object): Promise<void> {
    const rawBody = JSON.stringify(event);
    const handler = createWebhookHandler({ secrets: [SECRET], mirror });
    const { status } = await handler.handle({ rawBody, headers: { 'stripe-signature': signWebhookPayload(rawBody, SECRET) } });
    expect(status).to.equal(200);
  }

  /** A customer created in the fake Stripe API whose `customer.created` event was delivered as a webhook. */
  async function deliveredCustomer(): Promise<{ stripe: Stripe; customer: Stripe.Customer; created: Stripe.Event }> {
    const stripe = fake.client();
    const customer = await stripe.customers.create({ name: 'First' });
    const [created] = fake.events();
    if (!created) throw new Error('the fake recorded no customer.created event');
    await deliver(created);
    return { stripe, customer, created };
  }

  it('applies the events newer than the last processed one, oldest first', async () => {
    const { stripe, customer, created } = await deliveredCustomer();
    await stripe.customers.update(customer.id, { name: 'Second' });
    await stripe.customers.update(customer.id, { name: 'Third' });

    const report = await catchUpEvents({ mirror, stripe, bucket: new TokenBucket({ ratePerSecond: 1000 }), account: null });
    expect(report).to.include({ applied: 2, gapTooOld: false });
    expect(report.after?.id).to.equal(created.id);
    const doc = await mongoose.connection.collection('stripe_objects').findOne({ id: customer.id });
    expect(doc?.name).to.equal('Third');
  });

  it('records the events it applies in the event log as processed, with source backfill', async () => {
    const { stripe, customer } = await deliveredCustomer();
    await stripe.customers.update(customer.id, { name: 'Second' });

    await catchUpEvents({ mirror, stripe, bucket: new TokenBucket({ ratePerSecond: 1000 }), account: null });
    const logged = await mirror.Event.findById(fake.events()[1]?.id).lean();
    expect(logged).to.include({ status: 'processed', attempts: 1 });
    expect(logged?._mirror).to.include({ source: 'backfill' });
  });

  it('resumes after the events it recorded itself: a second catch-up applies nothing new', async () => {
    const { stripe, customer, created } = await deliveredCustomer();
    await stripe.customers.update(customer.id, { name: 'Second' });
    await stripe.customers.update(customer.id, { name: 'Third' });
    const bucket = new TokenBucket({ ratePerSecond: 1000 });

    const first = await catchUpEvents({ mirror, stripe, bucket, account: null });
    const second = await catchUpEvents({ mirror, stripe, bucket, account: null });
    expect(first.applied).to.equal(2);
    expect(second.applied).to.equal(0);
    expect(second.after?.id).not.to.equal(created.id);
    expect(await mirror.Event.countDocuments({ status: 'processed' })).to.equal(3);
  });

  it('warns and applies what Stripe still keeps when the last processed event is older than 30 days', async () => {
    const stripe = fake.client();
    const old = Math.floor(Date.now() / 1000) - 40 * 86_400;
    await deliver(makeEvent('customer.created', { id: 'cus_old', object: 'customer', name: 'Old', created: old }, { created: old }));
    await stripe.customers.create({ name: 'Recent' });
    const warnings: string[] = [];
    const report = await catchUpEvents({
      mirror, stripe, bucket: new TokenBucket({ ratePerSecond: 1000 }), account: null, onWarning: (m) => warnings.push(m),
    });
    expect(report).to.include({ applied: 1, gapTooOld: true });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/older than the 30 days Stripe keeps events/);
  });

  it('warns and applies nothing when the mirror has processed no event yet', async () => {
    await fake.client().customers.create({ name: 'Unseen' });
    const warnings: string[] = [];
    const report = await catchUpEvents({
      mirror, stripe: fake.client(), bucket: new TokenBucket({ ratePerSecond: 1000 }), account: null, onWarning: (m) => warnings.push(m),
    });
    expect(report.applied).to.equal(0);
    expect(warnings[0]).to.match(/processed no event yet/);
  });
});

import type Stripe from 'stripe';
import mongoose from 'mongoose';
import { backfill, catchUpEvents, CHECKPOINT_COLLECTION, CheckpointStore, TokenBucket, type CatchUpOptions } from '../../src/backfill/index.js';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { makeEvent, signWebhookPayload, startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { expect } from '../support/chai.js';

const SECRET = 'whsec_catch_up_test';
const DAY = 86_400;

/** A `customer.created` event for a customer of its own, `created` seconds since the epoch. */
function customerCreated(name: string, created: number): Stripe.Event {
  return makeEvent('customer.created', { id: `cus_${name}`, object: 'customer', name, created }, { id: `evt_${name}`, created });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

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

  /** Runs a catch-up of the platform account against the fake, collecting warnings. */
  async function catchUp(options: Partial<CatchUpOptions> = {}, warnings: string[] = []) {
    return catchUpEvents({
      mirror,
      stripe: fake.client(),
      bucket: new TokenBucket({ ratePerSecond: 1000 }),
      account: null,
      onWarning: (m) => warnings.push(m),
      ...options,
    });
  }

  const stored = (id: string) => mongoose.connection.collection('stripe_objects').findOne({ id });
  const checkpoint = () => mongoose.connection.collection(CHECKPOINT_COLLECTION).findOne({ _id: 'platform:events' as unknown as object });

  /** Queries of the `GET /v1/events` requests the fake received from the `from`th request on. */
  function eventListQueries(from = 0): URLSearchParams[] {
    return fake.requests.slice(from).filter((r) => r.method === 'GET' && r.path === '/v1/events').map((r) => new URLSearchParams(r.query));
  }

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
    expect(report).to.include({ applied: 2, skipped: 1, gapTooOld: false });
    expect(report.after).to.deep.equal({ id: null, created: created.created - 3 * DAY });
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
    expect(second.after?.id).to.equal(fake.events()[2]?.id).and.not.equal(created.id);
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

  it("recovers every event of Stripe's 30-day window when the mirror has processed no event and no backfill ran", async () => {
    const now = nowSeconds();
    fake.insert([customerCreated('too_old', now - 31 * DAY), customerCreated('within_days', now - 20 * DAY)]);
    await fake.client().customers.create({ name: 'Unseen' });
    const warnings: string[] = [];
    const report = await catchUpEvents({
      mirror, stripe: fake.client(), bucket: new TokenBucket({ ratePerSecond: 1000 }), account: null, onWarning: (m) => warnings.push(m),
    });
    expect(report).to.include({ applied: 2, gapTooOld: false });
    expect(await stored('cus_within_days')).to.include({ name: 'within_days' });
    expect(await stored('cus_too_old')).to.equal(null);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/processed no event yet.*last 30 days/);
  });

  it('recovers an older event that no webhook delivered, listing after the newest event before the look-back', async () => {
    const now = nowSeconds();
    fake.insert([customerCreated('before_lookback', now - 4 * DAY), customerCreated('never_delivered', now - 2 * DAY)]);
    await deliveredCustomer();

    const report = await catchUp();
    expect(report).to.include({ applied: 1, skipped: 1, gapTooOld: false });
    expect(report.after).to.deep.equal({ id: 'evt_before_lookback', created: now - 4 * DAY });
    expect(eventListQueries().slice(1).map((q) => q.get('ending_before'))).to.deep.equal(['evt_before_lookback']);
    expect(await stored('cus_never_delivered')).to.include({ name: 'never_delivered' });
    expect(await stored('cus_before_lookback')).to.equal(null);
    expect(await mirror.Event.findById('evt_never_delivered').lean()).to.include({ status: 'processed' });
  });

  it('keeps a checkpoint per account, and a second catch-up lists only after it', async () => {
    const { stripe, customer } = await deliveredCustomer();
    await stripe.customers.update(customer.id, { name: 'Second' });
    await catchUp();
    const firstNewest = fake.events()[1]!;
    expect(await checkpoint()).to.include({
      account: null, type: 'events', lastId: firstNewest.id, lastCreated: firstNewest.created, done: true,
    });

    await stripe.customers.update(customer.id, { name: 'Third' });
    const requestsBefore = fake.requests.length;
    const second = await catchUp();
    expect(second).to.include({ applied: 1, skipped: 0 });
    expect(second.after).to.deep.equal({ id: firstNewest.id, created: firstNewest.created });
    const queries = eventListQueries(requestsBefore).map((q) => Object.fromEntries(q));
    expect(queries).to.deep.equal([{ limit: '100', ending_before: firstNewest.id }]);
    expect(await checkpoint()).to.include({ lastId: fake.events()[2]?.id, done: true });
    expect(await stored(customer.id)).to.include({ name: 'Third' });
  });

  it('lists from the checkpoint time, with a warning, when Stripe does not know the checkpoint event', async () => {
    const { stripe, customer } = await deliveredCustomer();
    await catchUp();
    await mongoose.connection.collection(CHECKPOINT_COLLECTION).updateOne({ _id: 'platform:events' as unknown as object }, { $set: { lastId: 'evt_other_account' } });
    await stripe.customers.update(customer.id, { name: 'Second' });

    const warnings: string[] = [];
    const report = await catchUp({}, warnings);

    expect(warnings.join('\n')).to.match(/does not know the checkpoint's event evt_other_account/);
    expect(report.applied).to.equal(1);
    expect(await stored(customer.id)).to.include({ name: 'Second' });
    expect(await checkpoint()).to.include({ lastId: fake.events().at(-1)?.id, done: true });
  });

  it('stops on an event that fails to apply, leaving the checkpoint at the last page before it for the next run', async () => {
    const { created } = await deliveredCustomer();
    await catchUp();
    const later = created.created + 1;
    const names = Array.from({ length: 150 }, (_, i) => `bulk_${String(i).padStart(3, '0')}`);
    fake.insert(names.map((name) => customerCreated(name, later)));
    const failing: StripeMirror = {
      ...mirror,
      sync: (objects, context) =>
        [objects].flat().some((o) => o.id === 'cus_bulk_120')
          ? Promise.reject(new Error('write refused for cus_bulk_120'))
          : mirror.sync(objects, context),
    };

    await expect(catchUp({ mirror: failing })).to.be.rejectedWith(/cus_bulk_120/);
    expect(await checkpoint()).to.include({ lastId: 'evt_bulk_099', done: false });
    expect(await mirror.Event.findById('evt_bulk_120').lean()).to.include({ status: 'failed' });
    expect(await mirror.Event.findById('evt_bulk_121').lean()).to.equal(null);

    const retry = await catchUp();
    expect(retry.after?.id).to.equal('evt_bulk_099');
    expect(retry).to.include({ applied: 30, skipped: 20 });
    expect(await checkpoint()).to.include({ lastId: 'evt_bulk_149', done: true });
    expect(await mirror.Event.countDocuments({ status: 'processed' })).to.equal(151);
  });

  it('clamps the look-back to the 30 days Stripe keeps events, without a gap warning', async () => {
    const now = nowSeconds();
    const last = customerCreated('last', now - 28 * DAY);
    fake.insert([customerCreated('expired', now - 31 * DAY), customerCreated('kept', now - 29 * DAY), last]);
    await deliver(last);

    const warnings: string[] = [];
    const report = await catchUp({}, warnings);
    expect(report).to.include({ applied: 1, skipped: 1, gapTooOld: false });
    expect(warnings).to.deep.equal([]);
    expect(report.after?.id).to.equal(null);
    expect(report.after?.created).to.be.within(now - 30 * DAY, now - 30 * DAY + 120);
    expect(eventListQueries()[0]?.get('created[gte]')).to.equal(String(report.after?.created));
    expect(await stored('cus_kept')).to.include({ name: 'kept' });
    expect(await stored('cus_expired')).to.equal(null);
  });

  it('on a mirror only backfilled, starts from the look-back before the backfill', async () => {
    const stripe = fake.client();
    const customer = await stripe.customers.create({ name: 'Listed' });
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    await stripe.customers.update(customer.id, { name: 'Updated after the backfill' });

    const warnings: string[] = [];
    const report = await catchUp({}, warnings);
    expect(warnings).to.deep.equal([]);
    expect(report.applied).to.equal(2);
    expect(await stored(customer.id)).to.include({ name: 'Updated after the backfill' });
  });

  it('warns when its own checkpoint is older than 30 days, and lists what Stripe still keeps', async () => {
    const old = nowSeconds() - 40 * DAY;
    const store = new CheckpointStore(mongoose.connection);
    await store.saveCatchUp(null, { id: 'evt_long_gone', created: old }, { objects: 0, pages: 0, done: true });
    await fake.client().customers.create({ name: 'Recent' });

    const warnings: string[] = [];
    const report = await catchUp({}, warnings);
    expect(report).to.include({ applied: 1, gapTooOld: true });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/catch-up checkpoint \(evt_long_gone, .*\) is older than the 30 days Stripe keeps events/);
    expect(eventListQueries().some((q) => q.has('ending_before'))).to.equal(false);
    expect(await checkpoint()).to.include({ lastId: fake.events()[0]?.id, done: true });
  });

  it('rejects a negative look-back', async () => {
    await expect(catchUp({ lookbackSeconds: -1 })).to.be.rejectedWith(/lookbackSeconds/);
  });
});

import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import type { FakeStripe } from '@stripe-mirror/testing';
import { backfill } from '../../src/backfill/index.js';
import type { StripeMirror } from '../../src/models/mirror.js';
import { reconcile, RUNS_COLLECTION, type ReconcileListReport, type ReconcileReport } from '../../src/reconcile/index.js';
import { fakeStripeMirror, listQueries } from '../backfill/helpers.js';
import { expect } from '../support/chai.js';

const objects = () => mongoose.connection.collection('stripe_objects');
const stored = (id: string) => objects().findOne({ _id: id } as Document);

function list(report: ReconcileReport, type: string, account: string | null = null): ReconcileListReport {
  const found = report.lists.find((l) => l.type === type && l.account === account);
  if (!found) throw new Error(`no ${type} list in the report`);
  return found;
}

/** The counts and drift ids of a list, without timing. */
function drift(report: ReconcileReport, type: string, account: string | null = null) {
  const { listed, missing, gone, stale, newer, equal, ids } = list(report, type, account);
  return { listed, missing, gone, stale, newer, equal, ids };
}

describe('reconcile()', function () {
  this.timeout(20_000);
  let fake: FakeStripe;
  let mirror: StripeMirror;

  beforeEach(async () => {
    ({ fake, mirror } = await fakeStripeMirror());
  });

  afterEach(() => fake.stop());

  it('finds a freshly backfilled mirror equal to Stripe, embedded lists and nested objects included', async () => {
    fake.generate('customer', 120);
    fake.generate('product', 10);
    fake.generate('price', 20);
    fake.generate('subscription', 60);
    const types = ['customer', 'product', 'price', 'subscription'];
    await backfill({ mirror, types, ratePerSecond: 1000 });

    const report = await reconcile({ mirror, types, ratePerSecond: 1000 });
    expect(report.clean).to.equal(true);
    expect(report.lists.map((l) => [l.type, l.listed, l.equal])).to.deep.equal([
      ['customer', 120, 120], ['product', 10, 10], ['price', 20, 20], ['subscription', 60, 60],
    ]);
    expect(report.totals).to.deep.include({ missing: 0, gone: 0, stale: 0, newer: 0, repaired: 0 });
  });

  describe('a mirror made to drift', () => {
    let deletedCustomer: string;
    let updatedCustomer: string;
    let createdCustomer: string;
    let deletedProduct: string;
    let deletedEmail: unknown;

    beforeEach(async () => {
      fake.generate('customer', 250);
      fake.generate('product', 30);
      await backfill({ mirror, types: ['customer', 'product'], ratePerSecond: 1000 });
      const stripe = fake.client();
      const [first, second] = fake.list('customer');
      deletedCustomer = String(first?.id);
      updatedCustomer = String(second?.id);
      deletedProduct = String(fake.list('product')[3]?.id);
      deletedEmail = first?.email;
      // Deleted in Stripe (a customer answers a `deleted` stub afterwards, a product 404), updated without an event
      // reaching the mirror, created while the server was down.
      await stripe.customers.del(deletedCustomer);
      await stripe.products.del(deletedProduct);
      await stripe.customers.update(updatedCustomer, { email: 'changed@example.com', metadata: { plan: 'gold' } });
      createdCustomer = (await stripe.customers.create({ email: 'while-down@example.com' })).id;
    });

    it('reports exactly what differs, by type and id, and writes nothing without repair', async () => {
      const report = await reconcile({ mirror, types: ['customer', 'product'], ratePerSecond: 1000 });
      expect(report.clean).to.equal(false);
      expect(drift(report, 'customer')).to.deep.equal({
        listed: 250, missing: 1, gone: 1, stale: 1, newer: 0, equal: 248,
        ids: { missing: [createdCustomer], gone: [deletedCustomer], stale: [updatedCustomer] },
      });
      expect(drift(report, 'product')).to.deep.equal({
        listed: 29, missing: 0, gone: 1, stale: 0, newer: 0, equal: 29, ids: { missing: [], gone: [deletedProduct], stale: [] },
      });
      expect(report.totals).to.deep.equal({ missing: 1, gone: 2, stale: 1, newer: 0, equal: 277, repaired: 0 });
      expect(await stored(createdCustomer)).to.equal(null);
      expect((await stored(deletedCustomer))?.deleted).to.equal(undefined);
      expect((await stored(updatedCustomer))?.email).not.to.equal('changed@example.com');
    });

    it('repairs through the write path (tombstones for the deletes), then reconciles clean', async () => {
      const before = Math.floor(Date.now() / 1000);
      const repaired = await reconcile({ mirror, types: ['customer', 'product'], ratePerSecond: 1000, repair: true });
      expect(repaired.totals).to.deep.include({ missing: 1, gone: 2, stale: 1, repaired: 4 });

      const updated = await stored(updatedCustomer);
      expect(updated).to.deep.include({ email: 'changed@example.com', metadata: { plan: 'gold' } });
      expect(updated?._mirror).to.deep.include({ source: 'reconcile' });
      expect(updated?._mirror?.watermark).to.be.within(before, before + 5);
      expect(await stored(createdCustomer)).to.deep.include({ email: 'while-down@example.com', stripeAccount: null });
      const customerTombstone = await stored(deletedCustomer);
      // Stripe's stub has only id, object and deleted: the tombstone keeps the fields the mirror had.
      expect(customerTombstone).to.deep.include({ deleted: true, email: deletedEmail });
      expect(customerTombstone?._mirror?.deletedAt).to.be.instanceOf(Date);
      expect((await stored(deletedProduct))?.deleted).to.equal(true);

      const again = await reconcile({ mirror, types: ['customer', 'product'], ratePerSecond: 1000 });
      expect(again.clean).to.equal(true);
      expect(drift(again, 'customer')).to.deep.include({ listed: 250, equal: 250, missing: 0, gone: 0, stale: 0 });
      expect(drift(again, 'product')).to.deep.include({ listed: 29, equal: 29, gone: 0 });
    });

    it('records each run in stripe_sync_runs: start, end, counts by list, repaired or not', async () => {
      const report = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 });
      const run = await mongoose.connection.collection(RUNS_COLLECTION).findOne({ _id: report.runId } as Document);
      expect(run).to.deep.include({ kind: 'reconcile', status: 'done', repair: false, types: ['customer'], accounts: [null], error: null });
      expect(run?.startedAt).to.be.instanceOf(Date);
      expect(run?.endedAt?.getTime()).to.be.at.least(run?.startedAt?.getTime());
      expect(run?.totals).to.deep.equal({ missing: 1, gone: 1, stale: 1, newer: 0, equal: 248, repaired: 0 });
      expect(run?.lists?.[0]).to.deep.include({ type: 'customer', missing: 1, ids: { missing: [createdCustomer], gone: [deletedCustomer], stale: [updatedCustomer] } });
    });
  });

  it('counts a mirror version newer than the fetch (a webhook landed meanwhile) as newer, and leaves it', async () => {
    fake.generate('customer', 5);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    const id = String(fake.list('customer')[2]?.id);
    const future = Math.floor(Date.now() / 1000) + 3600;
    await objects().updateOne({ _id: id } as Document, { $set: { email: 'from-a-later-event@example.com', '_mirror.watermark': future } });

    const report = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000, repair: true });
    expect(drift(report, 'customer')).to.deep.include({ newer: 1, stale: 0, equal: 4 });
    expect(report.clean).to.equal(true);
    expect((await stored(id))?.email).to.equal('from-a-later-event@example.com');
  });

  it('compares only objects created since `since` on both sides', async () => {
    fake.generate('customer', 3);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    await mirror.sync([{ id: 'cus_before_since', object: 'customer', created: 1_500_000 }], { source: 'webhook', watermark: 1_500_000 });
    const since = new Date(2_000_000 * 1000);

    const requests = fake.requests.length;
    const bounded = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000, since });
    expect(drift(bounded, 'customer')).to.deep.include({ listed: 3, equal: 3, gone: 0 });
    expect(listQueries(fake, '/v1/customers').slice(-1)[0]?.get('created[gte]')).to.equal('2000000');
    expect(fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/customers/'))).to.have.length(0);

    const full = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(drift(full, 'customer')).to.deep.include({ listed: 3, equal: 3, gone: 1, ids: { missing: [], gone: ['cus_before_since'], stale: [] } });
  });

  it('retrieves a mirror document the list did not show: one Stripe still has is compared, not counted gone', async () => {
    fake.generate('customer', 3);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    const template = fake.list('customer')[0];
    const old = { ...template, id: 'cus_old_one', object: 'customer', created: 1_000_000, email: 'old@example.com' };
    fake.insert([old]);
    // The mirror believes the customer is recent, so a run since 2,000,000 walks it while Stripe's list leaves it out.
    await mirror.sync([{ ...old, created: 3_000_000 }], { source: 'backfill', watermark: 1_000_000 });
    const requests = fake.requests.length;

    const report = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000, since: new Date(2_000_000 * 1000), repair: true });
    expect(drift(report, 'customer')).to.deep.include({ listed: 3, equal: 3, stale: 1, gone: 0, ids: { missing: [], gone: [], stale: ['cus_old_one'] } });
    const retrieves = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/customers/'));
    expect(retrieves.map((r) => r.path)).to.deep.equal(['/v1/customers/cus_old_one']);
    const repaired = await stored('cus_old_one');
    expect(repaired?.created).to.equal(1_000_000);
    expect(repaired?.deleted).to.equal(undefined);
  });

  it('confirms a mirror document Stripe no longer lists with one retrieve before counting it gone', async () => {
    fake.generate('customer', 3);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    await mirror.sync([{ id: 'cus_never_in_stripe', object: 'customer', created: 1_700_000_000 }], { source: 'webhook', watermark: 1_700_000_000 });
    const requests = fake.requests.length;

    const report = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(drift(report, 'customer')).to.deep.include({ gone: 1, ids: { missing: [], gone: ['cus_never_in_stripe'], stale: [] } });
    const retrieves = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/customers/'));
    expect(retrieves.map((r) => r.path)).to.deep.equal(['/v1/customers/cus_never_in_stripe']);
  });

  it('keeps a Connect account apart from the platform', async () => {
    const account = 'acct_1ReconcileTest00';
    fake.generate('customer', 4);
    fake.generate('customer', 6, { stripeAccount: account });
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    await backfill({ mirror, types: ['customer'], account, ratePerSecond: 1000 });
    const connected = String(fake.list('customer', { stripeAccount: account })[0]?.id);
    await fake.client({ stripeAccount: account }).customers.del(connected);

    const platform = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(drift(platform, 'customer')).to.deep.include({ listed: 4, equal: 4, gone: 0 });
    const report = await reconcile({ mirror, types: ['customer'], account, ratePerSecond: 1000, repair: true });
    expect(drift(report, 'customer', account)).to.deep.include({ listed: 5, equal: 5, gone: 1, ids: { missing: [], gone: [connected], stale: [] } });
    expect(await stored(connected)).to.deep.include({ deleted: true, stripeAccount: account });
  });

  it('waits out a 429 in the middle of a list', async () => {
    fake.generate('customer', 300);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    fake.failNext({ status: 429, retryAfterSeconds: 1, path: /^\/v1\/customers$/ });
    const report = await reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(drift(report, 'customer')).to.deep.include({ listed: 300, equal: 300 });
    expect(report.seconds).to.be.at.least(1);
  });

  it('records a run that failed, with the error, and throws it', async () => {
    fake.generate('customer', 3);
    fake.failNext({ status: 400, path: /^\/v1\/customers$/ });
    await expect(reconcile({ mirror, types: ['customer'], ratePerSecond: 1000 })).to.be.rejectedWith(/Scripted failure/);
    const run = await mongoose.connection.collection(RUNS_COLLECTION).findOne({ kind: 'reconcile' });
    expect(run).to.deep.include({ status: 'failed', totals: null });
    expect(run?.error).to.match(/Scripted failure/);
  });
});

import { expect } from '../support/chai.js';
import type { StripeObjectLike } from '../../src/sync/index.js';
import { byId, permutations, storedStripeFields, stripeObjects, sync } from './helpers.js';

interface Version {
  watermark: number;
  object: StripeObjectLike;
}

const T = 1767226020;

function subscription(id: string, status: string, version: string): StripeObjectLike {
  return { id, object: 'subscription', status, metadata: { version } };
}

/** Applies `versions` in `order` (sequentially) to a fresh id and returns what is stored. */
async function applyInOrder(id: string, versions: readonly Version[]) {
  for (const { watermark, object } of versions) await sync([{ ...object, id }], { watermark, source: 'webhook' });
  return storedStripeFields(id);
}

describe('syncStripeObjects(): ordering', () => {
  it('ends at the newest of 4 versions applied in every one of the 24 orders', async () => {
    const versions: Version[] = [
      { watermark: T, object: subscription('sub', 'incomplete', 'v1') },
      { watermark: T + 1, object: subscription('sub', 'active', 'v2') },
      { watermark: T + 2, object: subscription('sub', 'past_due', 'v3') },
      { watermark: T + 3, object: subscription('sub', 'active', 'v4') },
    ];
    const orders = permutations(versions);
    const results = await Promise.all(orders.map((order, index) => applyInOrder(`sub_perm_${index}`, order)));

    expect(results).to.have.length(24);
    for (const stored of results) expect(stored).to.deep.include({ status: 'active', metadata: { version: 'v4' } });
  });

  it('applies same-second versions by rank: incomplete, active and canceled end canceled in all 6 orders', async () => {
    const versions: Version[] = ['incomplete', 'active', 'canceled'].map((status) => ({
      watermark: T,
      object: subscription('sub', status, status),
    }));
    const results = await Promise.all(permutations(versions).map((order, index) => applyInOrder(`sub_tie_${index}`, order)));

    expect(results.map((stored) => stored?.status)).to.deep.equal(Array(6).fill('canceled'));
  });

  it('lets the later delivery win between same-second versions of equal rank', async () => {
    const first = { watermark: T, object: subscription('sub', 'active', 'first') };
    const second = { watermark: T, object: subscription('sub', 'active', 'second') };

    expect(await applyInOrder('sub_a', [first, second])).to.deep.include({ metadata: { version: 'second' } });
    expect(await applyInOrder('sub_b', [second, first])).to.deep.include({ metadata: { version: 'first' } });
  });

  it('keeps the larger refunded amount of a charge between same-second versions', async () => {
    const charge = (amountRefunded: number): Version => ({
      watermark: T,
      object: { id: 'ch', object: 'charge', status: 'succeeded', amount_captured: 1000, amount_refunded: amountRefunded },
    });

    expect(await applyInOrder('ch_a', [charge(0), charge(500)])).to.include({ amount_refunded: 500 });
    expect(await applyInOrder('ch_b', [charge(500), charge(0)])).to.include({ amount_refunded: 500 });
  });

  it('counts an older write as stale and leaves the stored document unchanged', async () => {
    await sync([subscription('sub_s', 'active', 'new')], { watermark: T + 10 });
    const report = await sync([subscription('sub_s', 'incomplete', 'old')], { watermark: T });

    expect(report).to.deep.equal({ upserted: 0, modified: 0, stale: 1, ids: ['sub_s'] });
    expect(await storedStripeFields('sub_s')).to.deep.include({ status: 'active', metadata: { version: 'new' } });
  });

  it('applies a newer write over a document stored without bookkeeping', async () => {
    await stripeObjects().insertOne({ ...byId('sub_raw'), id: 'sub_raw', object: 'subscription', status: 'canceled' });
    await sync([subscription('sub_raw', 'active', 'synced')], { watermark: T });

    expect(await storedStripeFields('sub_raw')).to.deep.include({ status: 'active' });
  });
});

describe('syncStripeObjects(): tombstones', () => {
  const customer = { id: 'cus_t', object: 'customer', email: 'customer1@example.com', metadata: { plan: 'gold' } };

  it('marks a deleted stub as a tombstone without wiping the stored fields', async () => {
    await sync([customer], { watermark: T });
    await sync([{ id: 'cus_t', object: 'customer', deleted: true }], { watermark: T + 1 });

    const stored = await stripeObjects().findOne(byId('cus_t'));
    expect(stored).to.deep.include({ email: 'customer1@example.com', deleted: true });
    expect(stored?._mirror.deletedAt).to.be.instanceOf(Date);
  });

  it('tombstones the objects passed, not the ones nested in them, when the context says deleted', async () => {
    const discount = { id: 'di_t', object: 'discount', coupon: null };
    await sync([{ ...customer, discount }], { watermark: T, deleted: true });

    expect(await storedStripeFields('cus_t')).to.include({ deleted: true });
    expect(await storedStripeFields('di_t')).not.to.have.property('deleted');
  });

  it('is not undone by a same-second update', async () => {
    await sync([customer], { watermark: T, deleted: true });
    const report = await sync([{ ...customer, email: 'customer2@example.com' }], { watermark: T });

    expect(report.stale).to.equal(1);
    expect(await storedStripeFields('cus_t')).to.include({ email: 'customer1@example.com', deleted: true });
  });

  it('stays deleted, with its deletion time, when newer data arrives', async () => {
    await sync([customer], { watermark: T, deleted: true });
    const deletedAt: unknown = (await stripeObjects().findOne(byId('cus_t')))?._mirror.deletedAt;
    await sync([{ ...customer, email: 'customer2@example.com', deleted: false }], { watermark: T + 5 });

    const stored = await stripeObjects().findOne(byId('cus_t'));
    expect(stored).to.deep.include({ email: 'customer2@example.com', deleted: true });
    expect(stored?._mirror.deletedAt).to.deep.equal(deletedAt);
  });

  it('marks the stored document deleted even when the tombstone is older, keeping the newer fields', async () => {
    await sync([{ ...customer, email: 'customer2@example.com' }], { watermark: T + 5 });
    const report = await sync([customer], { watermark: T, deleted: true });

    expect(report.stale).to.equal(1);
    expect(await storedStripeFields('cus_t')).to.include({ email: 'customer2@example.com', deleted: true });
  });
});

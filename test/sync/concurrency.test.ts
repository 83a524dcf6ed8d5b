import { expect } from '../support/chai.js';
import { storedStripeFields, stripeObjects, sync } from './helpers.js';

const T = 1767226020;

describe('syncStripeObjects(): duplicates and concurrent writers', () => {
  it('writes one document for an object repeated in one call, keeping the later copy', async () => {
    const report = await sync([
      { id: 'cus_dup', object: 'customer', name: 'first' },
      { id: 'cus_dup', object: 'customer', name: 'second' },
    ]);

    expect(report).to.deep.equal({ upserted: 1, modified: 0, stale: 0, ids: ['cus_dup'] });
    expect(await storedStripeFields('cus_dup')).to.include({ name: 'second' });
  });

  it('keeps the higher-ranked copy of an object repeated in one call', async () => {
    await sync([
      { id: 'in_dup', object: 'invoice', status: 'paid' },
      { id: 'ii_1', object: 'invoiceitem', invoice: { id: 'in_dup', object: 'invoice', status: 'draft' } },
    ]);

    expect(await storedStripeFields('in_dup')).to.include({ status: 'paid' });
  });

  it('treats a replayed sync as a no-op update, not an error', async () => {
    const customer = { id: 'cus_replay', object: 'customer', email: 'customer1@example.com' };
    await sync([customer], { watermark: T });
    const report = await sync([customer], { watermark: T });

    expect(report).to.include({ upserted: 0, stale: 0 });
    expect(await stripeObjects().countDocuments()).to.equal(1);
  });

  it('survives 20 concurrent syncs of the same new object without an error', async () => {
    const customer = { id: 'cus_race', object: 'customer', email: 'customer1@example.com' };
    const reports = await Promise.all(Array.from({ length: 20 }, () => sync([customer], { watermark: T })));

    expect(reports.reduce((sum, report) => sum + report.upserted, 0)).to.equal(1);
    expect(reports.reduce((sum, report) => sum + report.stale, 0)).to.equal(0);
    expect(await storedStripeFields('cus_race')).to.deep.equal(customer);
  });

  it('ends at the newest of 20 versions synced concurrently', async () => {
    const versions = Array.from({ length: 20 }, (_, index) => ({ id: 'cus_many', object: 'customer', name: `v${index}` }));
    const reports = await Promise.all(versions.map((customer, index) => sync([customer], { watermark: T + ((index * 7) % 20) })));

    const newest = versions.find((_, index) => (index * 7) % 20 === 19);
    expect(await storedStripeFields('cus_many')).to.deep.equal(newest);
    expect(reports.every((report) => report.ids[0] === 'cus_many')).to.equal(true);
  });

  it('stores all objects of 20 concurrent syncs that share expanded objects', async () => {
    const customer = { id: 'cus_shared', object: 'customer', email: 'customer1@example.com' };
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        sync([{ id: `sub_shared_${index}`, object: 'subscription', status: 'active', customer }], { watermark: T }),
      ),
    );

    expect(await stripeObjects().countDocuments({ object: 'subscription', customer: 'cus_shared' })).to.equal(20);
    expect(await storedStripeFields('cus_shared')).to.deep.equal(customer);
  });
});

import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import type { StripeObjectLike, SyncContext, SyncReport } from '../../src/sync/index.js';
import { storedStripeFields, sync } from './helpers.js';

const T = 1767226020;

/** Runs one sync inside a transaction on mongoose's default connection and commits it. */
async function syncInTransaction(objects: readonly StripeObjectLike[], context: SyncContext): Promise<SyncReport> {
  const session = await mongoose.connection.startSession();
  try {
    let report: SyncReport | undefined;
    await session.withTransaction(async () => {
      report = await sync(objects, { ...context, session });
    });
    if (!report) throw new Error('the transaction did not run');
    return report;
  } finally {
    await session.endSession();
  }
}

describe('syncStripeObjects(): inside a transaction', () => {
  it('commits new and updated documents', async () => {
    await sync([{ id: 'cus_tx', object: 'customer', name: 'old' }], { watermark: T });
    const report = await syncInTransaction(
      [{ id: 'sub_tx', object: 'subscription', status: 'active', customer: { id: 'cus_tx', object: 'customer', name: 'new' } }],
      { watermark: T + 1 },
    );

    expect(report).to.deep.equal({ upserted: 1, modified: 1, stale: 0, ids: ['sub_tx', 'cus_tx'] });
    expect(await storedStripeFields('cus_tx')).to.include({ name: 'new' });
  });

  it('counts a stale write without aborting the transaction', async () => {
    await sync([{ id: 'cus_tx', object: 'customer', name: 'newer' }], { watermark: T + 5 });
    const report = await syncInTransaction(
      [{ id: 'cus_tx', object: 'customer', name: 'older' }, { id: 'cus_tx2', object: 'customer' }],
      { watermark: T },
    );

    expect(report).to.include({ upserted: 1, stale: 1 });
    expect(await storedStripeFields('cus_tx')).to.include({ name: 'newer' });
    expect(await storedStripeFields('cus_tx2')).to.include({ object: 'customer' });
  });

  it('inserts new documents and upserts stored ones when the call expects new documents', async () => {
    await sync([{ id: 'cus_tx', object: 'customer', name: 'old' }], { watermark: T });
    const report = await syncInTransaction(
      [{ id: 'cus_tx', object: 'customer', name: 'new' }, { id: 'cus_tx2', object: 'customer', name: 'fresh' }],
      { watermark: T + 1, expectNew: true },
    );

    expect(report).to.deep.equal({ upserted: 1, modified: 1, stale: 0, ids: ['cus_tx', 'cus_tx2'] });
    expect(await storedStripeFields('cus_tx')).to.include({ name: 'new' });
    expect(await storedStripeFields('cus_tx2')).to.include({ name: 'fresh' });
  });

  it('marks a document deleted from a stale tombstone', async () => {
    await sync([{ id: 'cus_tx', object: 'customer', name: 'newer' }], { watermark: T + 5 });
    await syncInTransaction([{ id: 'cus_tx', object: 'customer', name: 'older' }], { watermark: T, deleted: true });

    expect(await storedStripeFields('cus_tx')).to.include({ name: 'newer', deleted: true });
  });
});

import type { Collection, Document } from 'mongodb';
import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { executeStripeWrites, planStripeWrites, type StripeObjectLike, type SyncContext } from '../../src/sync/index.js';
import { engineOptions } from './helpers.js';

/** One version of an object as a webhook would bring it. */
interface Version {
  object: StripeObjectLike;
  context: SyncContext;
}

const sub = (status: string, extra: Record<string, unknown> = {}): StripeObjectLike => ({
  id: 'sub_c', object: 'subscription', customer: 'cus_c', status, metadata: { '$where': 'x', 'a.b': status }, ...extra,
});
const price = { id: 'price_c', object: 'price', currency: 'usd', unit_amount: 1500, product: 'prod_c' };
const plan = { id: 'price_c', object: 'plan', currency: 'usd', amount: 1500, interval: 'month', product: 'prod_c' };

/** Versions whose order matters: newer seconds, same-second rank ties, a tombstone, a plan and a price sharing an id. */
const VERSIONS: readonly Version[] = [
  { object: sub('incomplete'), context: { watermark: 100 } },
  { object: sub('active', { items: { object: 'list', data: [{ id: 'si_c', object: 'subscription_item', plan, price }] } }), context: { watermark: 100 } },
  { object: sub('past_due', { cancel_at: null }), context: { watermark: 101 } },
  { object: sub('active', { note: 'same second, lower rank' }), context: { watermark: 101 } },
  { object: sub('past_due', { note: 'tie a' }), context: { watermark: 101 } },
  { object: sub('past_due', { note: 'tie b' }), context: { watermark: 101 } },
  { object: sub('canceled', { note: 'after the deletion' }), context: { watermark: 104 } },
  { object: sub('canceled'), context: { watermark: 102, deleted: true } },
  { object: plan, context: { watermark: 103 } },
  { object: price, context: { watermark: 99 } },
];

/** Every stored field except the write times, which differ between two runs. */
function comparable(document: Document | null): Document | null {
  if (!document) return null;
  const { _mirror, ...rest } = document;
  const { syncedAt: _synced, deletedAt, ...mirror } = (_mirror ?? {}) as Document;
  return { ...rest, _mirror: { ...mirror, deletedAt: deletedAt instanceof Date } };
}

function permutation(seed: number, length: number): number[] {
  const order = Array.from({ length }, (_, i) => i);
  let state = seed;
  for (let i = length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

describe('PlannedWrite.conditional (the update-pipeline form of a guarded write)', () => {
  let guarded: Collection;
  let conditional: Collection;

  before(() => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('mongoose is not connected');
    guarded = db.collection('conditional_guarded');
    conditional = db.collection('conditional_pipeline');
  });

  it('ends in the same documents as the guarded upserts, in 40 orders of the same versions', async () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      await Promise.all([guarded.deleteMany({}), conditional.deleteMany({})]);
      for (const index of permutation(seed, VERSIONS.length)) {
        const { object, context } = VERSIONS[index] as Version;
        await executeStripeWrites(guarded, planStripeWrites([object], context, engineOptions));
        for (const write of planStripeWrites([object], context, engineOptions)) {
          const filter: Document = { _id: write.id };
          await conditional.updateOne(filter, write.conditional, { upsert: true });
        }
      }
      const ids = ['sub_c', 'si_c', 'price_c'];
      const stored = (c: Collection): Promise<Document[]> => c.find({ _id: { $in: ids } } as Document).sort({ _id: 1 }).toArray();
      const [left, right] = [await stored(guarded), await stored(conditional)];
      expect(right.map(comparable), `order ${permutation(seed, VERSIONS.length).join(',')}`).to.deep.equal(left.map(comparable));
    }
  });

  it('leaves a newer document unmodified when the write is stale, so the stale write is matched but not modified', async () => {
    const [newer] = planStripeWrites([sub('active')], { watermark: 200 }, engineOptions);
    const [older] = planStripeWrites([sub('incomplete')], { watermark: 100 }, engineOptions);
    const filter: Document = { _id: 'sub_c' };
    await conditional.updateOne(filter, newer!.conditional, { upsert: true });
    const result = await conditional.updateOne(filter, older!.conditional, { upsert: true });
    expect(result).to.include({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
    expect(await conditional.findOne(filter)).to.include({ status: 'active' });
  });

  it('stores metadata keys holding $ and dots as data, never as expressions', async () => {
    const [write] = planStripeWrites([sub('active')], { watermark: 100 }, engineOptions);
    const filter: Document = { _id: 'sub_c' };
    await conditional.updateOne(filter, write!.conditional, { upsert: true });
    expect((await conditional.findOne(filter))?.metadata).to.deep.equal({ '$where': 'x', 'a.b': 'active' });
  });
});

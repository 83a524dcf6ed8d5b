import type { Collection } from 'mongodb';
import { SyncInputError } from './errors.js';
import { executeStripeWrites } from './execute.js';
import { planStripeWrites } from './plan.js';
import type { StripeObjectLike, SyncContext, SyncEngineOptions, SyncReport } from './types.js';

export type { CompanionWrite, StripeObjectLike, SyncContext, SyncEngineOptions, SyncReport, SyncSource } from './types.js';
export { SyncInputError, SyncWriteError } from './errors.js';
export { PROGRESSIONS, DELETED_RANK, rankOf, type Progression } from './rank.js';
export { planStripeWrites, type PlannedWrite } from './plan.js';
export { executeStripeWrites } from './execute.js';
export { SyncBatcher } from './batch.js';

/**
 * The one write path of the mirror: stores Stripe objects, and every Stripe object nested in them, in the
 * `stripe_objects` collection, each as its own document (`_id` = Stripe id, Stripe's fields as sent with expanded
 * objects replaced by their ids, `stripeAccount`, `_mirror` bookkeeping). Webhooks, API calls, backfill and replay
 * all call it; models wrap it as `syncFromStripeData`.
 *
 * Ordering: older data never overwrites newer. Each write carries `context.watermark` (the event's `created`, or
 * the fetch time by default) and a rank from the object's progression (see `PROGRESSIONS`); it applies when its
 * watermark is newer, or equal with a rank at least as high (ties in rank apply in delivery order). Stale writes
 * are counted in `report.stale`, never thrown. Tombstones (`context.deleted` or `deleted: true`) are sticky.
 *
 * Invalid input throws {@link SyncInputError} before anything is written; a database failure throws
 * {@link SyncWriteError}. Re-running a sync is always safe (replays and duplicates are no-ops or stale).
 *
 * ```ts
 * const report = await syncStripeObjects(db.collection('stripe_objects'), [event.data.object],
 *   { watermark: event.created, source: 'webhook', sourceId: event.id, stripeAccount: event.account ?? null },
 *   { expandableFields: (type) => OBJECT_TYPES[type]?.expandable ?? [] });
 * // report: { upserted: 1, modified: 0, stale: 0, ids: ['sub_123', 'si_456', 'price_789'] }
 * ```
 */
export async function syncStripeObjects(
  collection: Collection,
  objects: readonly StripeObjectLike[],
  context: SyncContext,
  options: SyncEngineOptions,
): Promise<SyncReport> {
  if (!Array.isArray(objects)) throw new SyncInputError('objects', 'expected an array of Stripe objects');
  const writes = planStripeWrites(objects, context, options);
  return executeStripeWrites(collection, writes, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(context.session ? { session: context.session } : {}),
  });
}

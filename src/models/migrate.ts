import type { Document } from 'mongodb';
import { rankOf } from '../sync/index.js';
import type { StripeMirror } from './mirror.js';

/** What {@link migrateMirror} changed. */
export interface MigrationReport {
  /** Subscriptions stored as tombstones by `customer.subscription.deleted` before 0.2, now ordinary documents again. */
  canceledSubscriptionsRestored: number;
}

/**
 * Brings documents written by older versions of the mirror to the current layout; idempotent, safe to run at any time
 * and beside live webhooks (`stripe-mirror migrate`, and `serve` at start-up when {@link needsMigration}).
 *
 * - Up to 0.1, `customer.subscription.deleted` left a tombstone (`deleted: true`). Stripe never deletes a
 *   subscription: the event means it ended, and the subscription stays retrievable with `status: 'canceled'`. Such
 *   documents lose `deleted` and `_mirror.deletedAt`, and their `_mirror.rank` becomes their status's rank again
 *   (a tombstone outranks everything), so later versions of the subscription apply as they should.
 *
 * ```ts
 * const { canceledSubscriptionsRestored } = await migrateMirror(mirror);
 * ```
 */
export async function migrateMirror(mirror: StripeMirror): Promise<MigrationReport> {
  const objects = mirror.StripeObject.collection;
  let restored = 0;
  const tombstones = objects.find(SUBSCRIPTION_TOMBSTONES);
  for await (const doc of tombstones) {
    const { _id, _mirror: _bookkeeping, deleted: _deleted, stripeAccount: _account, ...fields } = doc;
    const filter: Document = { _id, ...SUBSCRIPTION_TOMBSTONES };
    const result = await objects.updateOne(filter, {
      $unset: { deleted: '', '_mirror.deletedAt': '' },
      $set: { '_mirror.rank': rankOf('subscription', fields, false) },
    });
    restored += result.modifiedCount;
  }
  return { canceledSubscriptionsRestored: restored };
}

/** Whether {@link migrateMirror} has anything to do (one indexed lookup). */
export async function needsMigration(mirror: StripeMirror): Promise<boolean> {
  return (await mirror.StripeObject.collection.findOne(SUBSCRIPTION_TOMBSTONES, { projection: { _id: 1 } })) !== null;
}

const SUBSCRIPTION_TOMBSTONES: Document = { object: 'subscription', deleted: true };

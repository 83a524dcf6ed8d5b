import type { Document } from 'mongodb';
import type { StripeMirror } from '../models/mirror.js';

/**
 * Marks a connected account that disconnected the platform: `_mirror.deauthorizedAt` (the event's time) on its account
 * document, which stays queryable with everything mirrored for it; backfills and catch-ups over every account skip
 * it. Bookkeeping only (no Stripe field changes), idempotent; the earliest mark is kept. A stub is stored when the
 * mirror has not seen the account yet, so the mark is never lost.
 *
 * ```ts
 * await Account.find({ '_mirror.deauthorizedAt': { $exists: true } }); // disconnected accounts
 * ```
 */
export async function markDeauthorized(mirror: StripeMirror, account: string, watermark: number): Promise<void> {
  const at = new Date(watermark * 1000);
  const filter: Document = { _id: account };
  await mirror.StripeObject.collection.updateOne(
    filter,
    [{ $set: { id: { $ifNull: ['$id', account] }, object: { $ifNull: ['$object', 'account'] }, '_mirror.deauthorizedAt': { $min: [{ $ifNull: ['$_mirror.deauthorizedAt', at] }, at] } } }],
    { upsert: true },
  );
}

/** Connected accounts marked by {@link markDeauthorized}, for runs over every account to skip. */
export async function deauthorizedAccounts(mirror: StripeMirror): Promise<Set<string>> {
  const docs = await mirror.StripeObject.collection
    .find({ object: 'account', '_mirror.deauthorizedAt': { $exists: true } }, { projection: { _id: 1 } })
    .toArray();
  return new Set(docs.map((doc) => String(doc._id)));
}

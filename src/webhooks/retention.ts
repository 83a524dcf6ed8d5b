import type { Collection, Document } from 'mongodb';
import type { StripeMirror } from '../models/mirror.js';
import { WebhookOptionsError } from './errors.js';
import { events } from './event-collection.js';

/** The TTL index that expires done events; its name is the mirror's, so it is never mistaken for an app's index. */
export const RETENTION_INDEX = 'stripe_mirror_retention';

/** Statuses that expire under a retention: done events. `failed`, `dead`, `invalid`, `pending`, `processing` stay. */
const EXPIRING = ['processed', 'ignored'] as const;

/**
 * Keeps `stripe_events` from growing without bound: processed and ignored events expire `days` after they were
 * processed (a TTL index on `processedAt`, partial on those statuses, so failed, dead and invalid events stay until
 * someone looks at them). Idempotent: the index is created, or replaced when its period changes; `days: null` removes
 * it (events kept forever, the default). MongoDB's TTL monitor deletes expired events about once a minute.
 *
 * ```ts
 * await applyEventRetention(mirror, { days: 30 }); // `stripe-mirror serve --retain-days 30`
 * ```
 */
export async function applyEventRetention(mirror: StripeMirror, retention: { days: number | null }): Promise<void> {
  const { days } = retention;
  if (days !== null && (!Number.isFinite(days) || days <= 0)) {
    throw new WebhookOptionsError(`retention days must be a positive number, got ${String(days)}`);
  }
  const log = events(mirror);
  const existing = await retentionIndexOf(log);
  const seconds = days === null ? null : Math.round(days * 86_400);
  if (existing && existing.expireAfterSeconds === seconds) return;
  if (existing) await log.dropIndex(RETENTION_INDEX);
  if (seconds === null) return;
  await log.createIndex(
    { processedAt: 1 },
    { name: RETENTION_INDEX, expireAfterSeconds: seconds, partialFilterExpression: { status: { $in: [...EXPIRING] } } },
  );
}

/**
 * The event log's size and age, for `status`: how many events (the collection's count, no scan) and when the oldest
 * one still stored was received (the first in insertion order, so no index is needed on millions of events).
 */
export async function eventLogSize(mirror: StripeMirror): Promise<{ events: number; oldestReceivedAt: Date | null }> {
  const log = events(mirror);
  const [count, oldest] = await Promise.all([log.estimatedDocumentCount(), oldestReceivedAt(log)]);
  return { events: count, oldestReceivedAt: oldest };
}

/** When the oldest event still in `log` was received: the first in insertion order, so no index is needed. */
export async function oldestReceivedAt<T extends Document>(log: Collection<T>): Promise<Date | null> {
  const oldest = await log.find({}, { projection: { receivedAt: 1 }, sort: { $natural: 1 }, limit: 1 }).next();
  return oldest?.receivedAt instanceof Date ? oldest.receivedAt : null;
}

/** The retention period of `log` in days (its {@link RETENTION_INDEX}), `null` when events are kept forever. */
export async function retentionDays<T extends Document>(log: Collection<T>): Promise<number | null> {
  const index = await retentionIndexOf(log);
  return typeof index?.expireAfterSeconds === 'number' ? index.expireAfterSeconds / 86_400 : null;
}

/** The retention TTL index of `log`, if any (a missing collection has none). */
async function retentionIndexOf<T extends Document>(log: Collection<T>): Promise<Document | undefined> {
  return (await log.indexes().catch(() => [] as Document[])).find((index) => index.name === RETENTION_INDEX);
}

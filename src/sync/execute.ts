import type { AnyBulkWriteOperation, ClientSession, Collection, Document, MongoBulkWriteError } from 'mongodb';
import mongoose from 'mongoose';
import { SyncWriteError } from './errors.js';
import type { PlannedWrite } from './plan.js';
import type { SyncReport } from './types.js';

export const DEFAULT_BATCH_SIZE = 1_000;

export interface ExecuteOptions {
  batchSize?: number;
  session?: ClientSession;
}

interface BatchOutcome {
  upserted: number;
  modified: number;
  stale: number;
  /** Tombstones that may have been stale: their documents get `deleted: true` anyway. */
  tombstonesToMark: string[];
}

/**
 * Applies planned writes with one unordered `bulkWrite` per batch of `batchSize` (default 1,000). Writes that
 * carry their `document` (the call expected new documents) are sent as plain inserts; those whose id is stored
 * conflict and are retried as guarded upserts, exactly like a guarded upsert that lost an insert race.
 *
 * A write whose guard misses because the stored document is newer falls through to an insert that collides with
 * the `_id` index (E11000): that is a stale write, counted in `stale`, not an error. Two writers inserting the same
 * new id race the same way, so conflicting writes are retried once (then they update, or are truly stale): a stale
 * write costs one more round trip. Inside a transaction, where any write error aborts the transaction, the batch
 * first reads which ids exist and upserts only the new ones; a missed guard on an existing one is the stale write.
 * A stale tombstone still marks its document deleted (a deletion is final in Stripe), without its older fields.
 *
 * Any other write error throws {@link SyncWriteError} listing the failed ids and those of batches not yet sent;
 * the other writes of the failed batch were applied (unordered), earlier batches too. A batch whose outcome is
 * unknown (connection lost, no server selectable) throws SyncWriteError with all its ids.
 *
 * ```ts
 * const report = await executeStripeWrites(db.collection('stripe_objects'), planStripeWrites(objects, ctx, opts));
 * ```
 */
export async function executeStripeWrites(
  collection: Collection,
  writes: readonly PlannedWrite[],
  options: ExecuteOptions = {},
): Promise<SyncReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const { session } = options;
  const report: SyncReport = { upserted: 0, modified: 0, stale: 0, ids: writes.map((write) => write.id) };

  for (let start = 0; start < writes.length; start += batchSize) {
    const batch = writes.slice(start, start + batchSize);
    const unsent = writes.slice(start + batchSize).map((write) => write.id);
    const outcome = session?.inTransaction()
      ? await writeInTransaction(collection, batch, session, unsent)
      : await writeRetryingConflicts(collection, batch, session, unsent);
    report.upserted += outcome.upserted;
    report.modified += outcome.modified;
    report.stale += outcome.stale;
    await markDeleted(collection, outcome.tombstonesToMark, session, unsent);
  }
  return report;
}

async function writeRetryingConflicts(
  collection: Collection,
  batch: readonly PlannedWrite[],
  session: ClientSession | undefined,
  unsent: readonly string[],
): Promise<BatchOutcome> {
  const outcomes = await writeOutcomes(collection, batch, session).catch((error: unknown) => {
    throw error instanceof SyncWriteError ? new SyncWriteError([...error.failedIds, ...unsent], error.cause) : error;
  });
  const failed = batch.filter((_, index) => typeof outcomes[index] === 'object');
  if (failed.length > 0) {
    const first = outcomes.find((outcome): outcome is { error: unknown } => typeof outcome === 'object');
    throw new SyncWriteError([...failed.map((write) => write.id), ...unsent], first?.error);
  }
  const count = (kind: WriteOutcome): number => outcomes.filter((outcome) => outcome === kind).length;
  return {
    upserted: count('upserted'),
    modified: count('modified'),
    stale: count('stale'),
    tombstonesToMark: staleTombstones(batch, outcomes),
  };
}

/**
 * What happened to one planned write: stored anew, applied over an older version, stale (the stored version is
 * newer), or refused by the database for another reason.
 */
export type WriteOutcome = 'upserted' | 'modified' | 'stale' | { error: unknown };

/**
 * Sends `batch` as one unordered bulkWrite (plus one retry of the `_id` conflicts, see {@link executeStripeWrites})
 * and tells each write's outcome, so writes of several callers can share a command and each caller learns its own.
 * Throws {@link SyncWriteError} with every id of the batch when the command's outcome is unknown (connection lost).
 */
export async function writeOutcomes(
  collection: Collection,
  batch: readonly PlannedWrite[],
  session?: ClientSession,
): Promise<WriteOutcome[]> {
  const outcomes = await writeAll(collection, batch, session, true);
  const conflicts = batch.flatMap((_, index) => (outcomes[index] === CONFLICT ? [index] : []));
  if (conflicts.length > 0) {
    const retried = await writeAll(collection, conflicts.map((index) => batch[index] as PlannedWrite), session, false);
    conflicts.forEach((index, position) => {
      const outcome = retried[position];
      outcomes[index] = outcome === CONFLICT || outcome === undefined ? 'stale' : outcome;
    });
  }
  return outcomes as WriteOutcome[];
}

const CONFLICT = 'conflict';

/**
 * One unordered bulkWrite of guarded upserts (and, when `inserts`, plain inserts of the writes that carry their
 * `document`); each write's outcome, E11000 on `_id` as a conflict. An insert that conflicts found its document
 * stored: its retry as a guarded upsert decides whether it applies or is stale.
 */
async function writeAll(
  collection: Collection,
  batch: readonly PlannedWrite[],
  session: ClientSession | undefined,
  inserts: boolean,
): Promise<(WriteOutcome | typeof CONFLICT)[]> {
  const upsertedAt = (result: { upsertedIds: Record<number, unknown> }, index: number, write: PlannedWrite): boolean =>
    (inserts && write.document !== undefined) || index in result.upsertedIds;
  try {
    const result = await collection.bulkWrite(
      batch.map((write) => (inserts && write.document ? insertOne(write.document) : updateOne(write, true))),
      { ordered: false, ...(session ? { session } : {}) },
    );
    return batch.map((write, index) => (upsertedAt(result, index, write) ? 'upserted' : 'modified'));
  } catch (error) {
    if (!isWriteErrorsOnly(error)) throw new SyncWriteError(batch.map((write) => write.id), error);
    const errors = new Map([error.writeErrors].flat().map((writeError) => [writeError.index, writeError]));
    return batch.map((write, index) => {
      const writeError = errors.get(index);
      if (writeError) return isIdConflict(writeError.code, writeError.errmsg) ? CONFLICT : { error };
      return upsertedAt(error.result, index, write) ? 'upserted' : 'modified';
    });
  }
}

async function writeInTransaction(
  collection: Collection,
  batch: readonly PlannedWrite[],
  session: ClientSession,
  unsent: readonly string[],
): Promise<BatchOutcome> {
  const ids = batch.map((write) => write.id);
  try {
    const found = await collection.find(idIn(ids), { projection: { _id: 1 }, session }).toArray();
    const existing = new Set(found.map((document) => String(document._id)));
    const result = await collection.bulkWrite(
      batch.map((write) => {
        if (existing.has(write.id)) return updateOne(write, false);
        return write.document ? insertOne(write.document) : updateOne(write, true);
      }),
      { ordered: false, session },
    );
    const stale = existing.size - result.matchedCount;
    return {
      upserted: result.insertedCount + result.upsertedCount,
      modified: result.modifiedCount,
      stale,
      tombstonesToMark: stale > 0 ? batch.filter((w) => w.tombstone && existing.has(w.id)).map((w) => w.id) : [],
    };
  } catch (error) {
    throw new SyncWriteError([...ids, ...unsent], error);
  }
}

/** Ids of the tombstones among `writes` that were stale: their documents get `deleted: true` anyway. */
export function staleTombstones(writes: readonly PlannedWrite[], outcomes: readonly WriteOutcome[]): string[] {
  return writes.filter((write, index) => write.tombstone && outcomes[index] === 'stale').map((write) => write.id);
}

/**
 * Sets `deleted: true` on those of `ids` not yet marked (a stale tombstone still marks its document deleted: a
 * deletion is final): one round trip, none when `ids` is empty. Throws SyncWriteError naming `ids` and `unsent`.
 */
export async function markDeleted(
  collection: Collection,
  ids: readonly string[],
  session?: ClientSession,
  unsent: readonly string[] = [],
): Promise<void> {
  if (ids.length === 0) return;
  try {
    await collection.updateMany(
      { ...idIn(ids), deleted: { $ne: true } },
      { $set: { deleted: true, '_mirror.deletedAt': new Date() } },
      session ? { session } : {},
    );
  } catch (error) {
    throw new SyncWriteError([...ids, ...unsent], error);
  }
}

function updateOne(write: PlannedWrite, upsert: boolean): AnyBulkWriteOperation<Document> {
  return { updateOne: { filter: write.filter, update: write.update, upsert } };
}

function insertOne(document: Document): AnyBulkWriteOperation<Document> {
  return { insertOne: { document } };
}

function idIn(ids: readonly string[]): Document {
  return { _id: { $in: ids } };
}

/**
 * True when a bulkWrite failed only through per-statement write errors, the one failure whose counts are real. The
 * driver also wraps a network error, a failed server selection or a write concern error in MongoBulkWriteError (the
 * first two with no `err` and an empty `writeErrors`): the batch's outcome is then unknown, never a zero-count success.
 */
function isWriteErrorsOnly(error: unknown): error is MongoBulkWriteError {
  return error instanceof mongoose.mongo.MongoBulkWriteError && error.err === undefined && [error.writeErrors].flat().length > 0;
}

/** E11000 on the `_id` index (mongod names it `_id_`); a duplicate on any other unique index is a real failure. */
function isIdConflict(code: number | undefined, message: string | undefined): boolean {
  return code === 11000 && /index: _id_ /.test(message ?? '');
}

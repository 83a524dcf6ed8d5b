import type { BulkWriteResult, Collection, Document, MongoBulkWriteError, MongoServerError, WriteError } from 'mongodb';
import mongoose from 'mongoose';
import type { EventDocument } from './event-collection.js';
import { GroupCommit } from '../sync/group-commit.js';

/** One delivery's guarded upsert of its event (a claim, a record or a failure record), as a lone `updateOne` would send it. */
export interface EventUpsert {
  id: string;
  filter: Document;
  update: Document;
  /** Whether the caller needs the stored `attempts` when its upsert took over a stored event (claims do). */
  attempts: boolean;
}

type Settled = PromiseSettledResult<number>;

/**
 * Group-commits the event log's guarded upserts (claims, records of applied events, failure records): concurrent
 * ones share one unordered `bulkWrite` of their `updateOne` upserts (each
 * stays a single-document, retryable write). Each caller gets its own outcome: the event's `attempts` once its claim is
 * acknowledged (1 when upserted; read back with one `find` for events taken over, the rare Stripe-retry path), or its
 * own write error (E11000 when someone else holds or finished the event), or the command's error when the command
 * itself failed.
 */
export function upsertCommit(collection: Collection<EventDocument>): GroupCommit<EventUpsert, number> {
  return new GroupCommit((claims) => writeClaims(collection, claims));
}

/**
 * Writes a batch in rounds holding each event id at most once, in arrival order: a second delivery of one event then
 * meets the first one's claim in the database (E11000 → the duplicate path) instead of racing it inside one command.
 */
async function writeClaims(collection: Collection<EventDocument>, claims: EventUpsert[]): Promise<Settled[]> {
  const results: Settled[] = [];
  for (const round of roundsById(claims)) {
    const settled = await writeRound(collection, round.map((index) => claims[index] as EventUpsert));
    round.forEach((index, position) => (results[index] = settled[position] as Settled));
  }
  return results;
}

/** Indexes of `claims` split into rounds: the n-th claim of an id goes into round n. */
function roundsById(claims: readonly EventUpsert[]): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  claims.forEach((claim, index) => {
    const round = seen.get(claim.id) ?? 0;
    seen.set(claim.id, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}

/**
 * One command for claims of distinct events. A payload the driver refuses to serialize fails the command before
 * anything is sent, so the claims are then written one by one and only the offending caller gets that error.
 */
async function writeRound(collection: Collection<EventDocument>, claims: EventUpsert[]): Promise<Settled[]> {
  let result: BulkWriteResult;
  let writeErrors: readonly WriteError[] = [];
  try {
    result = await collection.bulkWrite(
      claims.map(({ filter, update }) => ({ updateOne: { filter, update, upsert: true } })),
      { ordered: false },
    );
  } catch (err) {
    if (claims.length > 1 && failedBeforeSending(err)) {
      return (await Promise.all(claims.map((claim) => writeRound(collection, [claim])))).flat();
    }
    if (!(err instanceof mongoose.mongo.MongoBulkWriteError) || !onlyWriteErrors(err)) return claims.map(() => rejected(err));
    result = err.result;
    writeErrors = toArray(err.writeErrors);
  }
  return settleClaims(collection, claims, result, writeErrors);
}

/**
 * Per claim: its write error, or attempts 1 when its upsert inserted the event, or else (it took over a stored event)
 * the `attempts` the claim incremented, read for those events only.
 */
async function settleClaims(
  collection: Collection<EventDocument>,
  claims: EventUpsert[],
  result: BulkWriteResult,
  writeErrors: readonly WriteError[],
): Promise<Settled[]> {
  const failed = new Map(writeErrors.map((writeError) => [writeError.index, writeError]));
  const upserted = (index: number): boolean => index in result.upsertedIds;
  const takenOver = claims.filter((claim, index) => claim.attempts && !failed.has(index) && !upserted(index)).map((claim) => claim.id);
  const attempts = takenOver.length > 0 ? await storedAttempts(collection, takenOver) : new Map<string, number>();
  return claims.map((claim, index): Settled => {
    const writeError = failed.get(index);
    if (writeError) return rejected(serverError(writeError));
    if (upserted(index)) return { status: 'fulfilled', value: 1 };
    return attempts instanceof Error ? rejected(attempts) : { status: 'fulfilled', value: attempts.get(claim.id) ?? 0 };
  });
}

/** The `attempts` of events this process just claimed (it holds their lease, so nobody else changes them), or why not. */
async function storedAttempts(collection: Collection<EventDocument>, ids: string[]): Promise<Map<string, number> | Error> {
  try {
    const docs = await collection.find({ _id: { $in: ids } }, { projection: { attempts: 1 } }).toArray();
    return new Map(docs.map((doc) => [doc._id, typeof doc.attempts === 'number' ? doc.attempts : 0]));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The command ran and only some operations failed: no write-concern error, so the others are acknowledged. */
function onlyWriteErrors(err: MongoBulkWriteError): boolean {
  return toArray(err.writeErrors).length > 0 && err.result.getWriteConcernError() === undefined;
}

/** The driver refused to build the command (serializer error, document over the size limit): nothing was sent. */
function failedBeforeSending(err: unknown): boolean {
  const { BSON, MongoInvalidArgumentError } = mongoose.mongo;
  return BSON.BSONError.isBSONError(err) || err instanceof RangeError || err instanceof MongoInvalidArgumentError;
}

/** One operation's failure as the server error a lone write would have thrown (same `code`, same message). */
function serverError(writeError: WriteError): MongoServerError {
  const { errmsg, code, errInfo } = writeError;
  return new mongoose.mongo.MongoServerError({ message: errmsg ?? 'write failed', code, errInfo });
}

function rejected(reason: unknown): PromiseRejectedResult {
  return { status: 'rejected', reason };
}

function toArray<T>(value: T | readonly T[]): readonly T[] {
  return isArray(value) ? value : [value];
}

function isArray<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

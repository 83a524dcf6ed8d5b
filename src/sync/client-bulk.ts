import type { AnyClientBulkWriteModel, ClientBulkWriteResult, Document, MongoClient } from 'mongodb';
import { SyncWriteError } from './errors.js';
import type { PlannedWrite } from './plan.js';
import type { CompanionWrite, SyncReport } from './types.js';

/** One sync call inside a shared command: its planned writes and the write that must land only after them. */
export interface ConditionalCall {
  readonly writes: readonly PlannedWrite[];
  readonly companion: (() => CompanionWrite) | undefined;
}

/**
 * Whether the server runs MongoDB's `bulkWrite` command across collections (wire version 25, MongoDB 8.0), asked with
 * one `hello`.
 */
export async function supportsClientBulkWrite(client: MongoClient): Promise<boolean> {
  const hello = await client.db('admin').command({ hello: 1 });
  return typeof hello.maxWireVersion === 'number' && hello.maxWireVersion >= CLIENT_BULK_WRITE_WIRE_VERSION;
}

const CLIENT_BULK_WRITE_WIRE_VERSION = 25;

/** Where the objects go, and the client whose MongoDB 8 `bulkWrite` command spans collections. */
export interface ClientTarget {
  readonly client: MongoClient;
  /** `db.collection` of `stripe_objects`. */
  readonly namespace: string;
}

/**
 * Writes several sync calls with ONE ordered `bulkWrite` command across collections (MongoDB >= 8.0, the driver's
 * `client.bulkWrite`): each call's writes in their {@link PlannedWrite.conditional} form, which never raises E11000,
 * then its companion (the webhook pipeline's record of the event), so a companion lands only once every write of its
 * call has. A stale write is matched but not modified. Ordered execution stops at a real failure: the calls before it
 * are done, the failing call gets its {@link SyncWriteError} (its companion never ran), and the calls after it go
 * into the next command. An outcome the server did not report (connection lost, write concern) fails every call not
 * yet settled.
 *
 * ```ts
 * const reports = await writeAcrossCollections(target, [{ writes, companion: () => ({ namespace, filter, update }) }]);
 * ```
 */
export async function writeAcrossCollections(
  target: ClientTarget,
  calls: readonly ConditionalCall[],
): Promise<PromiseSettledResult<SyncReport>[]> {
  const settled: PromiseSettledResult<SyncReport>[] = [];
  let pending = calls;
  while (pending.length > 0) {
    const { models, owners } = modelsOf(target.namespace, pending);
    let result: ClientBulkWriteResult | undefined;
    let failure: { index: number; error: unknown } | undefined;
    try {
      result = await target.client.bulkWrite(models, { ordered: true, verboseResults: true });
    } catch (error) {
      const stopped = stoppedAt(error);
      if (!stopped) {
        for (const call of pending) settled.push({ status: 'rejected', reason: new SyncWriteError(call.writes.map((w) => w.id), error) });
        return settled;
      }
      result = stopped.partial;
      failure = { index: stopped.index, error };
    }
    const failedCall = failure === undefined ? pending.length : (owners[failure.index] ?? pending.length);
    for (let index = 0; index < failedCall; index += 1) settled.push(reportOf(pending[index] as ConditionalCall, index, owners, result));
    if (failure === undefined) return settled;
    const call = pending[failedCall] as ConditionalCall;
    settled.push({ status: 'rejected', reason: new SyncWriteError(call.writes.map((w) => w.id), failure.error) });
    pending = pending.slice(failedCall + 1);
  }
  return settled;
}

/** The command's models, and for each model the index of the call it belongs to. */
function modelsOf(namespace: string, calls: readonly ConditionalCall[]): { models: AnyClientBulkWriteModel<Document>[]; owners: number[] } {
  const models: AnyClientBulkWriteModel<Document>[] = [];
  const owners: number[] = [];
  calls.forEach((call, owner) => {
    for (const write of call.writes) {
      const filter: Document = { _id: write.id };
      models.push({ name: 'updateOne', namespace, filter, update: write.conditional, upsert: true });
      owners.push(owner);
    }
    if (call.companion) {
      const { namespace: companionNamespace, filter, update } = call.companion();
      models.push({ name: 'updateOne', namespace: companionNamespace, filter, update, upsert: true });
      owners.push(owner);
    }
  });
  return { models, owners };
}

/** A call's report from the per-model results (its models are consecutive). */
function reportOf(
  call: ConditionalCall,
  owner: number,
  owners: readonly number[],
  result: ClientBulkWriteResult | undefined,
): PromiseSettledResult<SyncReport> {
  const first = owners.indexOf(owner);
  const outcome = (index: number): 'upserted' | 'modified' | 'unchanged' | undefined => {
    const update = result?.updateResults?.get(index);
    if (!update) return undefined;
    if (update.upsertedId !== undefined && update.upsertedId !== null) return 'upserted';
    return update.modifiedCount > 0 ? 'modified' : 'unchanged';
  };
  const outcomes = call.writes.map((_, position) => outcome(first + position));
  if (outcomes.includes(undefined)) {
    return { status: 'rejected', reason: new SyncWriteError(call.writes.map((w) => w.id), new Error('the server reported no result for these writes')) };
  }
  const count = (kind: string): number => outcomes.filter((o) => o === kind).length;
  const report: SyncReport = { upserted: count('upserted'), modified: count('modified'), stale: count('unchanged'), ids: call.writes.map((w) => w.id) };
  if (call.companion) {
    const companion = outcome(first + call.writes.length);
    if (companion === undefined) return { status: 'rejected', reason: new SyncWriteError(report.ids, new Error('the server reported no result for the companion write')) };
    report.companion = companion === 'unchanged' ? 'unchanged' : 'written';
  }
  return { status: 'fulfilled', value: report };
}

/**
 * Where an ordered command stopped on a write error, with the results of what ran before it; `undefined` when the
 * failure leaves the outcome unknown (no write error, or a write concern error). Recognised by shape, so a second
 * copy of the driver in the app cannot defeat an `instanceof`.
 */
function stoppedAt(error: unknown): { index: number; partial: ClientBulkWriteResult | undefined } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { writeErrors, writeConcernErrors, partialResult } = error as {
    writeErrors?: unknown;
    writeConcernErrors?: unknown;
    partialResult?: ClientBulkWriteResult;
  };
  if (!(writeErrors instanceof Map) || writeErrors.size === 0) return undefined;
  if (Array.isArray(writeConcernErrors) && writeConcernErrors.length > 0) return undefined;
  const index = Math.min(...[...writeErrors.keys()].filter((key): key is number => typeof key === 'number'));
  return Number.isFinite(index) ? { index, partial: partialResult } : undefined;
}

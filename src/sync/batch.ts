import type { Collection, Document } from 'mongodb';
import { SyncInputError, SyncWriteError } from './errors.js';
import { DEFAULT_BATCH_SIZE, executeStripeWrites, markDeleted, staleTombstones, writeOutcomes, type WriteOutcome } from './execute.js';
import { supportsClientBulkWrite, writeAcrossCollections, type ClientTarget, type ConditionalCall } from './client-bulk.js';
import { GroupCommit } from './group-commit.js';
import { planStripeWrites, type PlannedWrite } from './plan.js';
import type { StripeObjectLike, SyncContext, SyncEngineOptions, SyncReport } from './types.js';

/** Where a batcher may send MongoDB 8 commands across collections: the connected client, or none yet. */
export type ClientTargetSource = () => ClientTarget | undefined;

/**
 * The one write path with group commit: concurrent sync calls (one webhook event each, say) share one unordered
 * bulkWrite while a previous one is in flight, and each call still gets its own {@link SyncReport} or its own
 * {@link SyncWriteError}. Alone, a call is written at once, exactly as {@link syncStripeObjects} would; calls in a
 * session (a transaction) and calls planning more than one command's worth of writes are never batched.
 *
 * Ordering is unchanged: every write is the same guarded upsert, so two calls writing one id in one command end as
 * the newer version, whichever runs first. Each mirror owns one batcher (`mirror.sync`).
 *
 * Calls with a {@link SyncContext.companion} (the webhook pipeline's record of an event), on a server with MongoDB 8's
 * `bulkWrite` across collections (asked once), go out with their companions in ONE ordered command
 * ({@link writeAcrossCollections}); elsewhere the companion is left to the caller (`report.companion` unset).
 *
 * ```ts
 * const batcher = new SyncBatcher(db.collection('stripe_objects'), { expandableFields });
 * await Promise.all(events.map((event) => batcher.sync([event.data.object], { watermark: event.created })));
 * ```
 */
export class SyncBatcher {
  readonly #collection: Collection<Document>;
  readonly #options: SyncEngineOptions;
  readonly #commit: GroupCommit<ConditionalCall, SyncReport>;
  readonly #target: ClientTargetSource;
  #acrossCollections: Promise<boolean> | undefined;

  constructor(collection: Collection<Document>, options: SyncEngineOptions, target: ClientTargetSource = () => undefined) {
    this.#collection = collection;
    this.#options = options;
    this.#target = target;
    this.#commit = new GroupCommit((calls) => this.#write(calls));
  }

  /** Plans and writes `objects` (see `syncStripeObjects`); invalid input throws before anything joins a batch. */
  async sync(objects: readonly StripeObjectLike[], context: SyncContext): Promise<SyncReport> {
    if (!Array.isArray(objects)) throw new SyncInputError('objects', 'expected an array of Stripe objects');
    const writes = planStripeWrites(objects, context, this.#options);
    const batchSize = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (context.session || writes.length > batchSize || writes.length === 0) {
      return executeStripeWrites(this.#collection, writes, {
        batchSize,
        ...(context.session ? { session: context.session } : {}),
      });
    }
    return this.#commit.add({ writes, companion: context.companion });
  }

  /** One command for every call queued meanwhile (split only where it would exceed the batch size). */
  async #write(calls: ConditionalCall[]): Promise<PromiseSettledResult<SyncReport>[]> {
    const target = calls.some((call) => call.companion) ? await this.#acrossTarget() : undefined;
    if (target) return writeAcrossCollections(target, calls);
    const batchSize = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    const results: PromiseSettledResult<SyncReport>[] = [];
    for (const group of groupsUpTo(calls.map((call) => call.writes), batchSize)) {
      const writes = group.flat();
      let outcomes: WriteOutcome[];
      try {
        outcomes = await writeOutcomes(this.#collection, writes);
        await markDeleted(this.#collection, staleTombstones(writes, outcomes));
      } catch (error) {
        for (const call of group) results.push({ status: 'rejected', reason: asWriteError(call, error) });
        continue;
      }
      let offset = 0;
      for (const call of group) {
        results.push(reportOf(call, outcomes.slice(offset, offset + call.length)));
        offset += call.length;
      }
    }
    return results;
  }

  /** The client to send commands across collections to, when connected to a server that has them (asked once). */
  async #acrossTarget(): Promise<ClientTarget | undefined> {
    const target = this.#target();
    if (!target) return undefined;
    this.#acrossCollections ??= supportsClientBulkWrite(target.client).catch(() => {
      this.#acrossCollections = undefined;
      return false;
    });
    return (await this.#acrossCollections) ? target : undefined;
  }

}

/** Consecutive calls grouped so that no group holds more than `size` writes (a larger call is never queued). */
function groupsUpTo<T>(calls: readonly (readonly T[])[], size: number): (readonly T[])[][] {
  const groups: (readonly T[])[][] = [];
  let current: (readonly T[])[] = [];
  let count = 0;
  for (const call of calls) {
    if (count + call.length > size && current.length > 0) {
      groups.push(current);
      current = [];
      count = 0;
    }
    current.push(call);
    count += call.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function reportOf(call: readonly PlannedWrite[], outcomes: readonly WriteOutcome[]): PromiseSettledResult<SyncReport> {
  const failure = outcomes.find((outcome): outcome is { error: unknown } => typeof outcome === 'object');
  if (failure) {
    const failed = call.filter((_, index) => typeof outcomes[index] === 'object').map((write) => write.id);
    return { status: 'rejected', reason: new SyncWriteError(failed, failure.error) };
  }
  const count = (kind: WriteOutcome): number => outcomes.filter((outcome) => outcome === kind).length;
  return {
    status: 'fulfilled',
    value: { upserted: count('upserted'), modified: count('modified'), stale: count('stale'), ids: call.map((w) => w.id) },
  };
}

function asWriteError(call: readonly PlannedWrite[], error: unknown): SyncWriteError {
  const cause = error instanceof SyncWriteError ? error.cause : error;
  return new SyncWriteError(call.map((write) => write.id), cause);
}

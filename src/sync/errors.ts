import { StripeMirrorError } from '../errors.js';

/**
 * A payload the engine refuses to store: not an object, no `object` type, no `id` on something to store, a field
 * name MongoDB would interpret (`$…`, `a.b`) or one the mirror reserves (`_id`, `_mirror`, `stripeAccount`), or a
 * payload deeper or larger than the budget. Thrown before anything is written.
 *
 * ```ts
 * await expect(sync([{ object: 'customer' }])).to.be.rejectedWith(SyncInputError, /missing a string `id`/);
 * ```
 */
export class SyncInputError extends StripeMirrorError {
  /** Where in the input the problem is, e.g. `customer cus_123 → subscriptions.data[0]`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super('sync_invalid_input', `Cannot sync ${path}: ${problem}`);
    this.path = path;
  }
}

/**
 * MongoDB refused some writes for another reason than staleness (a validation rule, another unique index, a network
 * failure mid-batch). Batches are unordered: every write not listed in `failedIds` may have been applied, and
 * batches after a failed one were not sent (their ids are listed too). Re-running the same sync is safe.
 */
export class SyncWriteError extends StripeMirrorError {
  readonly failedIds: readonly string[];

  constructor(failedIds: readonly string[], cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('sync_write_failed', `Writing ${failedIds.length} Stripe object(s) failed (${failedIds.slice(0, 5).join(', ')}${failedIds.length > 5 ? ', …' : ''}): ${detail}`, { cause });
    this.failedIds = failedIds;
  }
}

import { StripeMirrorError } from '../errors.js';

/**
 * A backfill could not finish: the Stripe API kept failing after the retries, or a request was rejected for a reason
 * waiting cannot fix. Checkpoints written so far stay, so running the backfill again resumes where it stopped.
 *
 * ```ts
 * try { await backfill({ mirror }); }
 * catch (err) { if (err instanceof BackfillError) console.error(err.message, '- run it again to resume'); }
 * ```
 */
export class BackfillError extends StripeMirrorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('backfill_failed', message, options);
  }
}

/** The options given to `backfill()` contradict each other or name unknown object types. */
export class BackfillOptionsError extends StripeMirrorError {
  constructor(message: string) {
    super('backfill_invalid_options', message);
  }
}

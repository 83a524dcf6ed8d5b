import type { StripeMirrorErrorCode } from './error-codes.js';

/**
 * Base class of every error stripe-mirror throws. `code` is stable across releases and typed as the union of the
 * codes in `ERROR_CODES`, so callers branch on it without matching messages and a misspelled code does not compile:
 *
 * ```ts
 * try { await Customer.retrieveFromStripe('cus_missing'); }
 * catch (err) { if (err instanceof StripeMirrorError && err.code === 'stripe_api_error') { ... } }
 * ```
 */
export class StripeMirrorError extends Error {
  readonly code: StripeMirrorErrorCode;

  constructor(code: StripeMirrorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

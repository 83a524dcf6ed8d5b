/**
 * Base class of every error stripe-mirror throws. `code` is stable across releases, so callers can branch on it
 * without matching messages:
 *
 * ```ts
 * try { await Customer.retrieveFromStripe('cus_missing'); }
 * catch (err) { if (err instanceof StripeMirrorError && err.code === 'stripe_api_error') { ... } }
 * ```
 */
export class StripeMirrorError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

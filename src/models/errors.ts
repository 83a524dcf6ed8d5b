import { StripeMirrorError } from '../errors.js';

/**
 * A Stripe API call made by the mirror failed. Carries Stripe's own fields (never the API key) so callers can branch
 * on them:
 *
 * ```ts
 * await Customer.retrieveFromStripe('cus_gone').catch((err) => {
 *   if (err instanceof StripeApiError && err.statusCode === 404) return null;
 *   throw err;
 * });
 * ```
 */
export class StripeApiError extends StripeMirrorError {
  /** Stripe's error code (`resource_missing`, `card_declined`, …), when Stripe gave one. */
  readonly stripeCode: string | undefined;
  /** Stripe's error type (`invalid_request_error`, `card_error`, …) or the SDK's class for network errors. */
  readonly type: string;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    details: { message: string; stripeCode?: string; type: string; statusCode?: number; requestId?: string },
    options?: { cause?: unknown },
  ) {
    super('stripe_api_error', details.message, options);
    this.stripeCode = details.stripeCode;
    this.type = details.type;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
  }
}

/** The mirror has no Stripe client: call `configureStripeMirror({ stripe })` or pass `stripe` to `createStripeMirror`. */
export class StripeNotConfiguredError extends StripeMirrorError {
  constructor() {
    super(
      'stripe_not_configured',
      'No Stripe client configured: call configureStripeMirror({ stripe: new Stripe(key) }) or createStripeMirror({ stripe })',
    );
  }
}

/** Stripe has no API call of that kind for the object type (no list endpoint for `discount`, say). */
export class UnsupportedStripeOperationError extends StripeMirrorError {
  constructor(objectType: string, operation: string) {
    super('unsupported_stripe_operation', `Stripe has no ${operation} endpoint for object type '${objectType}'`);
  }
}

/** A request path needs a value (a parent id such as `{customer}`) that neither the document nor the options give. */
export class MissingPathParameterError extends StripeMirrorError {
  constructor(path: string, parameter: string) {
    super(
      'missing_path_parameter',
      `${path} needs '${parameter}': pass it in { pathParams: { ${parameter}: '…' } } or sync a document that has it`,
    );
  }
}

/** Data handed to syncFromStripeData is not a Stripe object (no string `object` field). */
export class InvalidStripeObjectError extends StripeMirrorError {
  constructor(reason: string) {
    super('invalid_stripe_object', `Not a Stripe object: ${reason}`);
  }
}

import type Stripe from 'stripe';
import { StripeMirrorError } from '../errors.js';

/**
 * Stripe's error as stripe-node's `err.raw` holds it: the API's JSON error body (`code`, `type`, `decline_code`,
 * `param`, `doc_url`, `payment_intent`, …) plus `statusCode` and `requestId`, without the response headers (they are
 * on the error) and without the SDK's `detail`/`exception` internals (on `err.cause`).
 */
export type StripeApiErrorRaw = Omit<Stripe.StripeRawError, 'headers' | 'detail' | 'exception'>;

/**
 * A Stripe API call made by the mirror failed. Carries stripe-node's own field names (never the API key), with one
 * exception: `code` is the registry's `stripe_api_error`, like every stripe-mirror error's, so Stripe's error code is
 * where stripe-node also keeps it, `raw.code`:
 *
 * ```ts
 * await Customer.retrieveFromStripe('cus_gone').catch((err) => {
 *   if (err instanceof StripeApiError && err.raw.code === 'resource_missing') return null;
 *   throw err;
 * });
 * ```
 */
export class StripeApiError extends StripeMirrorError {
  declare readonly code: 'stripe_api_error';
  /** Stripe's error as stripe-node's `err.raw`; `raw.code` is Stripe's code (`resource_missing`, `card_declined`, …). */
  readonly raw: StripeApiErrorRaw;
  /** The SDK's error class, as stripe-node's `err.type`: `StripeInvalidRequestError`, `StripeCardError`, `StripeConnectionError`, … */
  readonly type: string;
  /** The API's error type, as stripe-node's `err.rawType`: `invalid_request_error`, `card_error`, …; undefined for network errors. */
  readonly rawType: Stripe.RawErrorType | undefined;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  /** Response headers (`retry-after`, `stripe-should-retry`, …); never request headers, so never the key. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly decline_code: string | undefined;
  readonly param: string | undefined;
  readonly doc_url: string | undefined;
  readonly advice_code: string | undefined;
  readonly network_advice_code: string | undefined;
  readonly network_decline_code: string | undefined;
  readonly charge: string | undefined;
  readonly payment_method_type: string | undefined;
  readonly request_log_url: string | undefined;
  readonly userMessage: string | undefined;

  /** Wraps an error the `stripe` SDK threw, keeping it as `cause`. */
  constructor(error: Stripe.errors.StripeError) {
    super('stripe_api_error', error.message, { cause: error });
    this.raw = rawBody(error);
    this.type = error.type;
    this.rawType = error.rawType;
    this.statusCode = error.statusCode;
    this.requestId = error.requestId;
    this.headers = error.headers;
    this.decline_code = error.decline_code;
    this.param = error.param;
    this.doc_url = error.doc_url;
    this.advice_code = error.advice_code;
    this.network_advice_code = error.network_advice_code;
    this.network_decline_code = error.network_decline_code;
    this.charge = error.charge;
    this.payment_method_type = error.payment_method_type;
    this.request_log_url = error.request_log_url;
    this.userMessage = error.userMessage;
  }
}

/** The SDK types `raw` as `unknown`; it is the `StripeRawError` its constructor was given. */
function rawBody(error: Stripe.errors.StripeError): StripeApiErrorRaw {
  if (typeof error.raw !== 'object' || error.raw === null) return {};
  const { headers: _headers, detail: _detail, exception: _exception, ...body } = error.raw as Stripe.StripeRawError;
  return body;
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

/**
 * `subscription.swap(price)` cannot tell which item to change: the subscription has several items (or none stored).
 * Name the item, as Stripe needs its id:
 *
 * ```ts
 * await subscription.swap('price_pro', { itemId: subscription.items.data[1]!.id });
 * ```
 */
export class SubscriptionItemAmbiguousError extends StripeMirrorError {
  readonly subscription: string;
  /** The ids of the items the stored subscription has. */
  readonly itemIds: readonly string[];

  constructor(subscription: string, itemIds: readonly string[]) {
    const found = itemIds.length === 0 ? 'no stored items (refreshFromStripe() first)' : `${itemIds.length} items (${itemIds.join(', ')})`;
    super('subscription_item_ambiguous', `swap() on ${subscription} needs { itemId }: the subscription has ${found}`);
    this.subscription = subscription;
    this.itemIds = itemIds;
  }
}

/**
 * `customer.charge()` found no payment method to charge: the customer has neither
 * `invoice_settings.default_payment_method` nor `default_source`, in the mirror or in Stripe. Attach one and make it
 * the default, or pass it:
 *
 * ```ts
 * await customer.charge(2000, 'usd', { paymentMethod: 'pm_…' });
 * ```
 */
export class NoDefaultPaymentMethodError extends StripeMirrorError {
  readonly customer: string;

  constructor(customer: string) {
    super(
      'customer_no_default_payment_method',
      `${customer} has no default payment method: set invoice_settings.default_payment_method or pass { paymentMethod }`,
    );
    this.customer = customer;
  }
}

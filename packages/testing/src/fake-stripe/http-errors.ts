import type { JsonObject } from './json.js';

/**
 * An error the fake answers with, shaped like Stripe's (`{ error: { type, message, code?, param? } }`), so the real
 * SDK raises the same error class it would against Stripe (`StripeInvalidRequestError`, `StripeAuthenticationError`…).
 */
export class StripeHttpError extends Error {
  readonly status: number;
  readonly body: { error: JsonObject };

  constructor(status: number, error: JsonObject) {
    super(typeof error.message === 'string' ? error.message : 'Stripe error');
    this.status = status;
    this.body = { error };
  }
}

/** Stripe's names for object types in "No such …" messages. */
const NAMES: Record<string, string> = {
  'checkout.session': 'checkout.session',
  invoiceitem: 'invoiceitem',
  payment_method: 'PaymentMethod',
  payment_intent: 'payment_intent',
  setup_intent: 'setupintent',
  subscription_item: 'subscription item',
  tax_rate: 'tax rate',
};

/** 404 for a missing object: `No such customer: 'cus_x'`, param `id`. */
export function resourceMissing(type: string, id: string, param = 'id', status = 404): StripeHttpError {
  return new StripeHttpError(status, {
    code: 'resource_missing',
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
    message: `No such ${NAMES[type] ?? type}: '${id}'`,
    param,
    type: 'invalid_request_error',
  });
}

/** 400 `parameter_missing`, as Stripe sends for an absent required parameter. */
export function missingParam(param: string): StripeHttpError {
  return new StripeHttpError(400, {
    code: 'parameter_missing',
    doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
    message: `Missing required param: ${param}.`,
    param,
    type: 'invalid_request_error',
  });
}

/** 400 `invalid_request_error` with an optional `code` and `param`. */
export function invalidRequest(message: string, details: { code?: string; param?: string } = {}): StripeHttpError {
  return new StripeHttpError(400, { ...details, message, type: 'invalid_request_error' });
}

/** 404 for a path Stripe does not serve. */
export function unrecognizedUrl(method: string, path: string): StripeHttpError {
  return new StripeHttpError(404, {
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    type: 'invalid_request_error',
  });
}

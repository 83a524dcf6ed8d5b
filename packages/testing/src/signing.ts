import Stripe from 'stripe';

let signer: Stripe | undefined;

/** A client used only for its `webhooks` helpers; no request is ever made with it. */
function webhooks(): Stripe['webhooks'] {
  signer ??= new Stripe('sk_test_signing_only');
  return signer.webhooks;
}

/** Options of {@link signWebhookPayload}. */
export interface SignOptions {
  /** Unix seconds of the signature; default now. Use an old one to test the tolerance window. */
  timestamp?: number;
}

/**
 * A `Stripe-Signature` header for `payload`, made by the `stripe` package's own `generateTestHeaderString` (the HMAC is
 * never re-implemented here), so whatever `stripe.webhooks.constructEvent` accepts, this produces.
 *
 * ```ts
 * const header = signWebhookPayload(JSON.stringify(event), 'whsec_test');
 * stripe.webhooks.constructEvent(body, header, 'whsec_test');
 * ```
 */
export function signWebhookPayload(payload: string, secret: string, options: SignOptions = {}): string {
  return webhooks().generateTestHeaderString({
    payload,
    secret,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}

/** Options of {@link deliverWebhook}. */
export interface DeliverOptions {
  /** The endpoint's signing secret (`whsec_…`). */
  secret: string;
  /** Signature time (unix seconds); default now. */
  timestamp?: number;
  /** Extra or overriding headers, e.g. a tampered `Stripe-Signature`. */
  headers?: Record<string, string>;
}

/** What the webhook endpoint answered. */
export interface DeliveryResult {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * POSTs an event to a webhook endpoint the way Stripe does: the exact JSON (an object is serialised pretty-printed,
 * as Stripe sends it; a string is sent byte for byte), `Content-Type: application/json; charset=utf-8`, Stripe's
 * user agent and a valid `Stripe-Signature` for those bytes.
 *
 * ```ts
 * const { status } = await deliverWebhook(`${baseUrl}/stripe/webhooks`, event, { secret: 'whsec_test' });
 * ```
 */
export async function deliverWebhook(url: string, event: object | string, options: DeliverOptions): Promise<DeliveryResult> {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signOptions = options.timestamp === undefined ? {} : { timestamp: options.timestamp };
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': signWebhookPayload(payload, options.secret, signOptions),
      ...options.headers,
    },
    body: payload,
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, body: await response.text(), headers };
}

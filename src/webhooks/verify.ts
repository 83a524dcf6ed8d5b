import Stripe from 'stripe';
import { WebhookError, WebhookRejectedError, type RejectionReason } from './errors.js';
import { isStripeEvent } from './event-shape.js';
import { isThinEvent, type ThinEvent } from './thin.js';

/** Request headers as Node, Koa, Express and Fastify expose them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Checks `Stripe-Signature` against every secret with the `stripe` package and parses the body. Throws
 * {@link WebhookRejectedError} with a short reason when the request is not a genuine, recent, well-formed event:
 *
 * ```ts
 * const event = verifyStripeWebhook(rawBody, req.headers, { secrets: ['whsec_a', 'whsec_b'], tolerance: 300 });
 * ```
 */
export function verifyStripeWebhook(
  rawBody: Buffer | string,
  headers: WebhookHeaders,
  options: { secrets: readonly string[]; tolerance: number },
): Stripe.Event {
  const delivered = verifyDelivery(rawBody, headers, options);
  if (isThinEvent(delivered)) {
    throw new WebhookRejectedError('not_an_event', 'a thin event (v2 event destination) carries no object: deliver it to a WebhookHandler, which retrieves it');
  }
  return delivered;
}

/**
 * {@link verifyStripeWebhook} for what a webhook endpoint may receive: a snapshot event, or a thin event of Stripe's
 * v2 event destinations (signed the same way, with the same secrets).
 */
export function verifyDelivery(
  rawBody: Buffer | string,
  headers: WebhookHeaders,
  options: { secrets: readonly string[]; tolerance: number },
): Stripe.Event | ThinEvent {
  const header = headerValue(headers, 'stripe-signature');
  if (header === undefined || header.trim() === '') {
    throw new WebhookRejectedError('missing_signature', 'missing Stripe-Signature header');
  }
  const payload = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  if (payload === '') throw new WebhookRejectedError('body_not_json', 'empty body');

  const verdict = strongestVerdict(options.secrets.map((secret) => check(payload, header, secret, options.tolerance)));
  if (verdict !== 'ok') throw new WebhookRejectedError(verdict, REASON_MESSAGES[verdict]);

  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new WebhookRejectedError('body_not_json', 'body is not JSON');
  }
  if (isThinEvent(parsed)) return parsed;
  if (!isStripeEvent(parsed)) {
    throw new WebhookRejectedError('not_an_event', 'body is not a Stripe event (needs id, type and data.object; no top-level field may start with $ or contain .)');
  }
  return parsed;
}

type Verdict = 'ok' | Extract<RejectionReason, 'malformed_signature' | 'signature_mismatch' | 'timestamp_outside_tolerance'>;

const REASON_MESSAGES: Record<Exclude<Verdict, 'ok'>, string> = {
  malformed_signature: 'malformed Stripe-Signature header',
  signature_mismatch: 'signature does not match any configured secret',
  timestamp_outside_tolerance: 'signature timestamp outside the tolerance window',
};

/** A matching signature wins over everything; a match that is too old is more telling than a mismatch. */
const VERDICT_STRENGTH: Record<Verdict, number> = {
  ok: 3,
  timestamp_outside_tolerance: 2,
  signature_mismatch: 1,
  malformed_signature: 0,
};

function strongestVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>(
    (best, next) => (VERDICT_STRENGTH[next] > VERDICT_STRENGTH[best] ? next : best),
    'malformed_signature',
  );
}

function check(payload: string, header: string, secret: string, tolerance: number): Verdict {
  const signature = Stripe.webhooks.signature;
  if (!signature) throw new WebhookError('webhook_verifier_missing', 'the installed stripe package has no webhook signature verifier');
  try {
    signature.verifyHeader(payload, header, secret, tolerance);
    return 'ok';
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) throw err;
    if (/tolerance/i.test(err.message)) return 'timestamp_outside_tolerance';
    if (/matching the expected signature/i.test(err.message)) return 'signature_mismatch';
    return 'malformed_signature';
  }
}

/** One header's value (the first, when repeated), looked up case-insensitively. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[0];
}

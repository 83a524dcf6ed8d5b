import { StripeMirrorError } from '../errors.js';

/**
 * The webhook pipeline's failures. Each has a stable `code`; only the HTTP layer (`WebhookHandler.handle`, the Koa
 * router) turns them into status codes, so a caller of `applyStripeEvent` or `reprocessEvents` sees plain errors:
 *
 * ```ts
 * catch (err) { if (err instanceof WebhookRejectedError) console.warn(err.code, err.message); }
 * ```
 */
export class WebhookError extends StripeMirrorError {}

/** Why a delivery was refused before anything was stored: answered 400 (413 for `body_too_large`). */
export type RejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'timestamp_outside_tolerance'
  | 'body_not_json'
  | 'not_an_event'
  | 'unstorable_event'
  | 'body_too_large';

/** The request is not a genuine, well-formed, storable Stripe event (forged, stale, garbled, oversized or unstorable). */
export class WebhookRejectedError extends WebhookError {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, message: string) {
    super(`webhook_${reason}`, message);
    this.reason = reason;
  }
}

/** The `stripe_events` log could not be read or written: nothing is known about the event, so Stripe must retry. */
export class EventLogUnavailableError extends WebhookError {
  constructor(cause: unknown) {
    super('event_log_unavailable', `the stripe_events log is unreachable: ${messageOf(cause)}`, { cause });
  }
}

/** Another delivery of the same event holds the lease right now; this one must not apply it a second time. */
export class EventInProgressError extends WebhookError {
  constructor(eventId: string) {
    super('event_in_progress', `event ${eventId} is being processed by another delivery; retry later`);
  }
}

/**
 * Applying and recording the event took longer than the delivery's budget (`deliveryTimeoutMs`): answered 503 so
 * Stripe retries; the work goes on, and the redelivery finds it done (200, duplicate) or still running here (it waits).
 */
export class DeliveryTimeoutError extends WebhookError {
  constructor(eventId: string, budgetMs: number) {
    super('webhook_delivery_timeout', `event ${eventId} was not applied within ${budgetMs} ms; retry later`);
  }
}

/**
 * A thin event (v2 event destinations) carries no snapshot, and the mirror has no Stripe client to retrieve its
 * related object with: the event is stored `pending` with this error, and applied once a client is configured
 * (`reprocess`, or the queue worker).
 */
export class ThinEventNeedsStripeError extends WebhookError {
  constructor(eventId: string, cause: unknown) {
    super('thin_event_needs_stripe', `thin event ${eventId} points at an object the mirror cannot retrieve without a Stripe client (configure one: createStripeMirror({ stripe }))`, { cause });
  }
}

/** Re-retrieving an event's object from the Stripe API failed (network, 404, auth). */
export class EventRefetchError extends WebhookError {
  constructor(objectType: string, objectId: string, cause: unknown) {
    super('event_refetch_failed', `refetching ${objectType} ${objectId} failed: ${messageOf(cause)}`, { cause });
  }
}

/**
 * The write path reported an event's writes without any of them upserted, modified or stale. The sync engine itself
 * throws SyncWriteError for writes lost to a dropped connection (the cause of the zero reports once seen here); this
 * check stays so that a write path (`mirror.sync`, replaceable per mirror) that reports nothing written can never
 * leave an event recorded as processed. The event is failed and retried.
 */
export class EventWriteUnconfirmedError extends WebhookError {
  constructor(eventId: string, ids: readonly string[]) {
    super('event_write_unconfirmed', `the writes of event ${eventId} (${ids.length} documents) were not confirmed by the database`);
  }
}

/** A user hook registered with `on()` threw; the event is marked failed so Stripe redelivers it. */
export class WebhookHookError extends WebhookError {
  constructor(eventType: string, cause: unknown) {
    super('webhook_hook_failed', `a hook for ${eventType} threw: ${messageOf(cause)}`, { cause });
  }
}

/**
 * The request body was read by something else before the webhook adapter (a body parser mounted in front of it)
 * and its exact bytes were not kept, so the signature cannot be checked. Answered 500: Stripe retries, and the
 * deliveries succeed once the app mounts the adapter before its body parser.
 */
export class WebhookBodyConsumedError extends WebhookError {
  constructor() {
    super('webhook_body_consumed', 'request body consumed before the webhook handler; mount it before any body parser');
  }
}

/** The options object is unusable (no secrets, a negative tolerance, …). Thrown when the handler is created. */
export class WebhookOptionsError extends WebhookError {
  constructor(message: string) {
    super('webhook_invalid_options', message);
  }
}

function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

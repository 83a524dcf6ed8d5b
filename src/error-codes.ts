/**
 * What one code means: the class that carries it (`null` for a code that only appears in webhook response bodies),
 * the HTTP status the webhook handler answers with it, when it answers one, and a one-line meaning.
 */
export interface ErrorCodeInfo {
  readonly class: string | null;
  readonly status?: number;
  readonly meaning: string;
}

/**
 * Every code stripe-mirror puts on an error (`err.code`) or in a webhook response body (`{ error: code }`), in one
 * table so the union of its keys types `StripeMirrorError.code`: a misspelled code fails the typecheck, in a
 * constructor call and in a comparison alike. The README's Errors table is this table (a test compares them).
 *
 * ```ts
 * const rejections = Object.entries(ERROR_CODES).filter(([, info]) => info.class === 'WebhookRejectedError');
 * if (err instanceof StripeMirrorError && err.code === 'sync_write_failed') await retryLater();
 * ```
 */
export const ERROR_CODES = {
  stripe_api_error: { class: 'StripeApiError', meaning: "a Stripe API call failed; Stripe's own fields (`raw.code`, `type`, `statusCode`, …) are on the error" },
  stripe_not_configured: { class: 'StripeNotConfiguredError', meaning: 'a write-through call needs a Stripe client and the mirror has none' },
  unsupported_stripe_operation: { class: 'UnsupportedStripeOperationError', meaning: 'Stripe has no endpoint of that kind (list, retrieve, …) for the object type' },
  missing_path_parameter: { class: 'MissingPathParameterError', meaning: 'a request path needs a parent id (`{customer}`) that neither the document nor `pathParams` gives' },
  invalid_stripe_object: { class: 'InvalidStripeObjectError', meaning: 'data given as a Stripe object, or an API answer, has no string `object` field' },
  subscription_item_ambiguous: { class: 'SubscriptionItemAmbiguousError', meaning: '`subscription.swap(price)` without `itemId` on a subscription with several items (or none stored); nothing sent to Stripe' },
  customer_no_default_payment_method: { class: 'NoDefaultPaymentMethodError', meaning: '`customer.charge()` found no default payment method (mirror and Stripe) and none was passed; nothing charged' },

  sync_invalid_input: { class: 'SyncInputError', meaning: 'a payload the sync engine refuses to store (no `id`, a `$`/`.` field name, too deep); nothing written' },
  sync_write_failed: { class: 'SyncWriteError', meaning: 'MongoDB refused writes for another reason than staleness; re-running the sync is safe' },

  webhook_missing_signature: { class: 'WebhookRejectedError', status: 400, meaning: 'the delivery has no `Stripe-Signature` header; nothing stored' },
  webhook_malformed_signature: { class: 'WebhookRejectedError', status: 400, meaning: '`Stripe-Signature` cannot be parsed; nothing stored' },
  webhook_signature_mismatch: { class: 'WebhookRejectedError', status: 400, meaning: 'the signature matches none of the configured secrets; nothing stored' },
  webhook_timestamp_outside_tolerance: { class: 'WebhookRejectedError', status: 400, meaning: 'the signature timestamp is older than `tolerance` allows (replayed or stale); nothing stored' },
  webhook_body_not_json: { class: 'WebhookRejectedError', status: 400, meaning: 'the body is empty or not JSON; nothing stored' },
  webhook_not_an_event: { class: 'WebhookRejectedError', status: 400, meaning: 'the JSON is not a Stripe event (needs `id`, `type`, `data.object`); nothing stored' },
  webhook_unstorable_event: { class: 'WebhookRejectedError', status: 400, meaning: 'MongoDB could never store the event (a NUL byte in a key, nested over 64 levels); nothing stored' },
  webhook_body_too_large: { class: 'WebhookRejectedError', status: 413, meaning: 'the body is over `maxBodyBytes`; nothing stored' },
  webhook_body_consumed: { class: 'WebhookBodyConsumedError', status: 500, meaning: 'a body parser read the body before the webhook adapter; mount the adapter before it' },
  webhook_verifier_missing: { class: 'WebhookError', status: 500, meaning: 'the installed `stripe` package has no webhook signature verifier' },
  webhook_hook_failed: { class: 'WebhookHookError', status: 500, meaning: 'a hook registered with `on()` threw; the event is stored as failed and Stripe retries' },
  webhook_invalid_options: { class: 'WebhookOptionsError', meaning: 'the webhook options are unusable (no secrets, a negative number, …); thrown when the handler is created' },
  event_in_progress: { class: 'EventInProgressError', status: 409, meaning: 'another delivery of the same event holds its lease; Stripe retries later and gets 200' },
  event_refetch_failed: { class: 'EventRefetchError', status: 500, meaning: "re-retrieving the event's object from Stripe failed; the event is stored as failed" },
  event_write_unconfirmed: { class: 'EventWriteUnconfirmedError', status: 500, meaning: "the write path confirmed none of the event's writes; the event is stored as failed" },
  webhook_delivery_timeout: { class: 'DeliveryTimeoutError', status: 503, meaning: 'the event was not applied within `deliveryTimeoutMs`; the work goes on and the redelivery meets its outcome' },
  thin_event_needs_stripe: { class: 'ThinEventNeedsStripeError', meaning: 'a thin event arrived and the mirror has no Stripe client to retrieve its related object; stored `pending` (answered 200), applied once one is configured' },
  event_log_unavailable: { class: 'EventLogUnavailableError', status: 503, meaning: 'the `stripe_events` log cannot be read or written; nothing is known about the event' },
  event_failed: { class: null, status: 500, meaning: 'response body only: applying the event threw an error without a string code; stored as failed' },

  backfill_failed: { class: 'BackfillError', meaning: 'Stripe kept failing after the retries, or a list call did not return a list; running it again resumes' },
  backfill_invalid_options: { class: 'BackfillOptionsError', meaning: '`backfill()` options contradict each other or name object types that cannot be listed' },

  cli_usage: { class: 'CliUsageError', meaning: 'CLI: unknown flag, missing argument or bad value (exit code 2)' },
  cli_config: { class: 'CliFailure', meaning: 'CLI: `stripe-mirror.config.json` is not JSON, not an object, or has unknown settings' },
  cli_file: { class: 'CliFailure', meaning: 'CLI: a replay file cannot be read, or a line is not JSON or not a Stripe event' },
  mongo_unreachable: { class: 'CliFailure', meaning: 'CLI: MongoDB cannot be reached, or the connection closed mid-command' },
  replay_failed: { class: 'CliFailure', meaning: 'CLI: an event of a replay file could not be applied; the events before it were' },
  demo_failed: { class: 'CliFailure', meaning: 'CLI: `demo` found the fake Stripe API without the data its lifecycle needs' },
  cli_package_missing: { class: 'CliFailure', meaning: 'CLI: `mongo`, `demo` or `serve` without a URI needs a side package that is not installed (the message names it)' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every stable code: `'stripe_api_error' | 'webhook_signature_mismatch' | …`. */
export type StripeMirrorErrorCode = keyof typeof ERROR_CODES;

/** The codes the registry assigns to one class: `ErrorCodeOf<'CliFailure'>` is `'cli_config' | 'cli_file' | …`. */
export type ErrorCodeOf<ClassName extends string> = {
  [Code in StripeMirrorErrorCode]: (typeof ERROR_CODES)[Code]['class'] extends ClassName ? Code : never;
}[StripeMirrorErrorCode];

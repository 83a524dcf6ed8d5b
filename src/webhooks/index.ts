export { createWebhookHandler, WebhookHandler } from './handler.js';
export type { WebhookRequest, WebhookResponse } from './handler.js';
export { applyStripeEvent } from './apply.js';
export type { ApplyOptions, ApplyResult } from './apply.js';
export { ingestStripeEvent } from './ingest.js';
export type { IngestOptions, IngestResult } from './ingest.js';
export { reprocessEvents } from './reprocess.js';
export type { ReprocessFilter, ReprocessOptions, ReprocessReport } from './reprocess.js';
export { verifyStripeWebhook } from './verify.js';
export { isStripeEvent } from './event-shape.js';
export { hydrateThinEvent, isThinEvent, type ThinEvent } from './thin.js';
export type { WebhookHeaders } from './verify.js';
export { EventHooks } from './hooks.js';
export type { AnyEventHook, EventHook, HookContext, StripeEventType } from './hooks.js';
export type { EventWorker, WorkerOptions } from './worker.js';
export type { EventSource, EventStatus } from './event-log.js';
export type { WebhookMetrics } from './metrics.js';
export { WEBHOOK_CHANNELS } from './channels.js';
export type { SettledStatus, WebhookReceivedMessage, WebhookSettledMessage } from './channels.js';
export type { EventObserver, ObservedEvents } from './observer.js';
export { silentLogger } from './options.js';
export type { RefetchPolicy, ResolvedWebhookOptions, WebhookLogger, WebhookOptions } from './options.js';
export { scrubSecrets } from './scrub.js';
export { applyEventRetention, eventLogSize } from './retention.js';
export { eventMeaning, type EventMeaning } from './event-meanings.js';
export {
  DeliveryTimeoutError,
  EventInProgressError,
  ThinEventNeedsStripeError,
  EventLogUnavailableError,
  EventRefetchError,
  EventWriteUnconfirmedError,
  WebhookBodyConsumedError,
  WebhookError,
  WebhookHookError,
  WebhookOptionsError,
  WebhookRejectedError,
} from './errors.js';
export type { RejectionReason } from './errors.js';

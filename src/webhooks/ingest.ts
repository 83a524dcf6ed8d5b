import type Stripe from 'stripe';
import type { EventSource } from './event-log.js';
import { EventHooks } from './hooks.js';
import { resolveProcessingOptions, type WebhookOptions } from './options.js';
import { EventPipeline, type IngestResult } from './pipeline.js';

export type { IngestResult } from './pipeline.js';

/** Options of {@link ingestStripeEvent}: where to apply, and who the event came from. */
export interface IngestOptions extends Pick<WebhookOptions, 'mirror' | 'refetch' | 'logger' | 'leaseMs'> {
  /** Recorded in `_mirror.source` of the log entry and of every document written. Default `'replay'`. */
  source?: EventSource;
  /** Hooks to run after applying. Default none. */
  hooks?: EventHooks;
}

/**
 * Records and applies one event that arrived without a signature (an NDJSON archive, `GET /v1/events`, a queue
 * consumer), through the same pipeline as a verified webhook delivery: the mirror's guarded writes, the event
 * recorded in `stripe_events` (processed | ignored | failed, `attempts` counted), the hooks exactly once. A duplicate of
 * a processed or ignored event is a no-op reported as `duplicate`; a failed one is applied again. Many concurrent
 * events are better ingested through one handler (`handler.ingest`), whose pipeline shares commands between them.
 *
 * Rejects with the apply error once the event is stored as `failed`, with `EventInProgressError` while another
 * process holds the event, with `WebhookRejectedError` ('unstorable_event') when MongoDB can never store the event,
 * and with `EventLogUnavailableError` when the log cannot be reached.
 *
 * ```ts
 * const { status, duplicate } = await ingestStripeEvent(JSON.parse(line), { mirror, source: 'replay' });
 * ```
 */
export function ingestStripeEvent(event: Stripe.Event, options: IngestOptions = {}): Promise<IngestResult> {
  const { source = 'replay', hooks = new EventHooks(), ...processing } = options;
  return new EventPipeline(resolveProcessingOptions(processing), hooks).ingest(event, source);
}

import type Stripe from 'stripe';
import type { SyncReport } from '../sync/index.js';
import { EventInProgressError } from './errors.js';
import { claimDelivery, type EventSource } from './event-log.js';
import { EventHooks } from './hooks.js';
import { resolveProcessingOptions, type ProcessingOptions, type WebhookOptions } from './options.js';
import { processClaimed } from './process.js';

/** Options of {@link ingestStripeEvent}: where to apply, and who the event came from. */
export interface IngestOptions extends Pick<WebhookOptions, 'mirror' | 'refetch' | 'logger' | 'leaseMs'> {
  /** Recorded in `_mirror.source` of the log entry and of every document written. Default `'replay'`. */
  source?: EventSource;
  /** Hooks to run after applying. Default none. */
  hooks?: EventHooks;
}

/** What ingesting one event did. */
export interface IngestResult {
  id: string;
  /** `processed` when mirrored, `ignored` when it carried nothing to mirror (now, or before when `duplicate`). */
  status: 'processed' | 'ignored';
  /** True when the event log already had the event done: nothing was applied and no hook ran. */
  duplicate: boolean;
  /** What the write did; `null` for duplicates and ignored events. */
  report: SyncReport | null;
}

/**
 * Records and applies one event that arrived without a signature (an NDJSON archive, `GET /v1/events`, a queue
 * consumer), through the same path as a verified webhook delivery: the atomic claim in `stripe_events`
 * (pending → processing → processed | ignored | failed, `attempts` counted), one `mirror.sync`, the hooks, and the
 * outcome recorded. Exactly once: a duplicate of a processed or ignored event is a no-op reported as `duplicate`, and a
 * failed one is claimed and applied again.
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
  return ingestEvent(event, { options: resolveProcessingOptions(processing), hooks }, source);
}

/** The claim/apply/record path shared by verified deliveries, `handler.ingest` and {@link ingestStripeEvent}. */
export async function ingestEvent(
  event: Stripe.Event,
  pipeline: { options: ProcessingOptions; hooks: EventHooks },
  source: EventSource,
): Promise<IngestResult> {
  const { mirror, leaseMs } = pipeline.options;
  const claim = await claimDelivery(mirror, event, leaseMs, source);
  if (!claim.claimed) {
    if (claim.status === 'processed' || claim.status === 'ignored') {
      return { id: event.id, status: claim.status, duplicate: true, report: null };
    }
    throw new EventInProgressError(event.id);
  }
  const outcome = await processClaimed({ event, attempts: claim.attempts }, pipeline, { source, deadLetter: false });
  if ('error' in outcome) throw outcome.error;
  return { id: event.id, status: outcome.status, duplicate: false, report: outcome.report };
}

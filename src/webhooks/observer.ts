import type Stripe from 'stripe';
import { webhookChannels, type SettledStatus, type WebhookSettledMessage } from './channels.js';
import { EventInProgressError, EventLogUnavailableError, WebhookRejectedError } from './errors.js';
import type { EventSource } from './event-log.js';

/** Upper bounds of the apply-latency histogram, in seconds (Prometheus `le`); the last bucket is `+Inf`. */
export const APPLY_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A snapshot of what an {@link EventObserver} counted. */
export interface ObservedEvents {
  /** Settled events per event type, then per outcome (`duplicate` for events already done). */
  byType: Record<string, Partial<Record<SettledStatus | 'duplicate', number>>>;
  /** Time from start to recorded outcome of every event that did work (duplicates and conflicts excluded). */
  applySeconds: { buckets: { le: number; count: number }[]; count: number; sum: number };
  /** Newest `created` (unix seconds) of an event this pipeline recorded as processed or ignored; null before one. */
  newestAppliedCreated: number | null;
}

/** What the observer reads from an outcome: the pipeline's `IngestResult` or `ProcessOutcome`. */
type Outcome = { readonly status: 'processed' | 'ignored' | 'invalid' | 'failed' | 'dead'; readonly duplicate?: boolean; readonly error?: unknown };

/** One event being observed: settle it with the promise of its outcome. */
export interface Observation {
  settle<T extends Outcome>(work: Promise<T>): Promise<T>;
}

/**
 * Watches one pipeline's events from start to recorded outcome: counts them per type and outcome, times them, and
 * publishes them on the {@link WEBHOOK_CHANNELS} for tracers. The pipeline calls `start` where an event enters and
 * settles it with the outcome's promise, which it returns unchanged (errors rethrown), so observing changes nothing.
 *
 * ```ts
 * const observed = pipeline.observer.start(event, 'webhook');
 * return observed.settle(this.deliver(event));
 * pipeline.observer.subscribe(({ event, status, durationMs }) => log.info('stripe event', { type: event.type, status, durationMs }));
 * ```
 */
export class EventObserver {
  readonly #byType = new Map<string, Map<SettledStatus | 'duplicate', number>>();
  readonly #bucketCounts: number[] = APPLY_SECONDS_BUCKETS.map(() => 0);
  #count = 0;
  #sum = 0;
  #newestAppliedCreated: number | null = null;
  readonly #listeners = new Set<(message: WebhookSettledMessage) => void>();

  /** Marks the start of one event's processing. */
  start(event: Stripe.Event, source: EventSource): Observation {
    const startedAt = performance.now();
    if (webhookChannels.received.hasSubscribers) webhookChannels.received.publish({ event, source });
    return {
      settle: async (work) => {
        try {
          const outcome = await work;
          this.#settled({ event, source, durationMs: performance.now() - startedAt, ...describeOutcome(outcome) });
          return outcome;
        } catch (error) {
          this.#settled({ event, source, durationMs: performance.now() - startedAt, status: statusOfError(error), duplicate: false, error });
          throw error;
        }
      },
    };
  }

  /** Calls `listener` with every event this pipeline settles; returns the function that stops it. */
  subscribe(listener: (message: WebhookSettledMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** A copy of the counts, the histogram and the newest applied event's time. */
  snapshot(): ObservedEvents {
    const byType: ObservedEvents['byType'] = {};
    for (const [type, counts] of this.#byType) byType[type] = Object.fromEntries(counts);
    let cumulative = 0;
    const buckets = APPLY_SECONDS_BUCKETS.map((le, i) => ({ le, count: (cumulative += this.#bucketCounts[i] ?? 0) }));
    return { byType, applySeconds: { buckets, count: this.#count, sum: this.#sum }, newestAppliedCreated: this.#newestAppliedCreated };
  }

  #settled(message: WebhookSettledMessage): void {
    const label = message.duplicate ? 'duplicate' : message.status;
    const counts = this.#byType.get(message.event.type) ?? new Map<SettledStatus | 'duplicate', number>();
    counts.set(label, (counts.get(label) ?? 0) + 1);
    this.#byType.set(message.event.type, counts);
    if (!message.duplicate && message.status !== 'conflict') this.#time(message.durationMs / 1000);
    if ((message.status === 'processed' || message.status === 'ignored') && typeof message.event.created === 'number') {
      this.#newestAppliedCreated = Math.max(this.#newestAppliedCreated ?? message.event.created, message.event.created);
    }
    const channel = message.status === 'processed' || message.status === 'ignored' ? webhookChannels.applied : webhookChannels.failed;
    if (channel.hasSubscribers) channel.publish(message);
    for (const listener of this.#listeners) listener(message);
  }

  #time(seconds: number): void {
    this.#count += 1;
    this.#sum += seconds;
    const bucket = APPLY_SECONDS_BUCKETS.findIndex((le) => seconds <= le);
    if (bucket >= 0) this.#bucketCounts[bucket] = (this.#bucketCounts[bucket] ?? 0) + 1;
  }
}

function describeOutcome(outcome: Outcome): Pick<WebhookSettledMessage, 'status' | 'duplicate' | 'error'> {
  const duplicate = outcome.duplicate === true;
  return 'error' in outcome ? { status: outcome.status, duplicate, error: outcome.error } : { status: outcome.status, duplicate };
}

/** The outcome an error stands for, as the pipeline's counters classify it. */
function statusOfError(error: unknown): SettledStatus {
  if (error instanceof WebhookRejectedError) return 'rejected';
  if (error instanceof EventInProgressError) return 'conflict';
  if (error instanceof EventLogUnavailableError) return 'unavailable';
  return 'failed';
}

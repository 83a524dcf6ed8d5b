import type Stripe from 'stripe';
import { SyncInputError, type SyncReport } from '../sync/index.js';
import { applyStripeEvent, type ApplyResult } from './apply.js';
import { EventInProgressError, EventLogUnavailableError, WebhookRejectedError } from './errors.js';
import { EventLog, type ClaimedEvent, type EventSource } from './event-log.js';
import { withDeadline } from './deadline.js';
import { EventHooks } from './hooks.js';
import { EventObserver } from './observer.js';
import { emptyMetrics, type WebhookMetrics } from './metrics.js';
import type { ProcessingOptions } from './options.js';
import { routeEvent } from './route.js';
import { hydrateThinEvent, isThinEvent } from './thin.js';
import { assertStorable } from './unstorable.js';

/** What ingesting one event did. */
export interface IngestResult {
  id: string;
  /**
   * `processed` when mirrored, `ignored` when it carried nothing to mirror, `invalid` when it can never apply (the
   * write path refuses its payload; recorded with the reason, never retried) — now, or before when `duplicate`.
   */
  status: 'processed' | 'ignored' | 'invalid';
  /** True when the event was already done (in the log, or by a twin delivery in this process): nothing applied, no hook ran. */
  duplicate: boolean;
  /** What the write did; `null` for duplicates and ignored events. */
  report: SyncReport | null;
}

/** The outcome of processing a claimed event, already recorded in the event log. */
export type ProcessOutcome =
  | { status: ApplyResult['status']; report: ApplyResult['report'] }
  | { status: 'invalid'; report: null }
  | { status: 'failed' | 'dead'; error: unknown };

/** Longest wait for a twin delivery of the same event in this process before answering "in progress". */
const MAX_TWIN_WAIT_MS = 10_000;

/**
 * One mirror's event pipeline: its resolved options, its event log (with the group commits concurrent deliveries
 * share), its hooks, its counters and the deliveries in flight. Every way in (a verified HTTP delivery, `ingest`,
 * the queue worker, reprocessing) goes through it, so they all share its batching and its exactly-once rules.
 *
 * A delivery of an event no hook listens to costs two commands, both shareable with concurrent deliveries: the
 * objects (the guarded writes of `mirror.sync`, idempotent, so they may come first) and then the record of the event
 * as done, whose landing decides which delivery applied it. An event with hooks is claimed first (a lease, so only
 * one delivery runs them), applied, hooked, and marked. A second delivery of an event in flight in this process waits
 * for the first and answers what it got.
 *
 * ```ts
 * const pipeline = new EventPipeline(resolveProcessingOptions({ mirror }), new EventHooks());
 * const { status, duplicate } = await pipeline.ingest(event, 'replay');
 * ```
 */
export class EventPipeline {
  readonly options: ProcessingOptions;
  readonly hooks: EventHooks;
  readonly log: EventLog;
  readonly #metrics = emptyMetrics();
  readonly #inFlight = new Map<string, Promise<IngestResult>>();
  /** Counts per event type, apply latency and the diagnostics channels (see `WEBHOOK_CHANNELS`); read by `prometheusMetrics`. */
  readonly observer = new EventObserver();

  constructor(options: ProcessingOptions, hooks: EventHooks = new EventHooks()) {
    this.options = options;
    this.hooks = hooks;
    this.log = new EventLog(options.mirror);
  }

  /**
   * Records and applies one event exactly once (see the class comment); rejects with the apply error once the event
   * is stored as `failed`, with `EventInProgressError` while another process holds it, with `WebhookRejectedError`
   * ('unstorable_event') when MongoDB can never store it, with `EventLogUnavailableError` when the log is unreachable.
   */
  async ingest(event: Stripe.Event, source: EventSource): Promise<IngestResult> {
    const observed = this.observer.start(event, source);
    const twin = this.#inFlight.get(event.id);
    if (twin) return observed.settle(this.#count(this.#afterTwin(event.id, twin)));
    const run = this.#deliver(event, source);
    this.#inFlight.set(event.id, run);
    try {
      return await observed.settle(this.#count(run));
    } finally {
      if (this.#inFlight.get(event.id) === run) this.#inFlight.delete(event.id);
    }
  }

  /** Queue mode: stores the event as `pending` for the worker, unless the log already has it. */
  async enqueue(event: Stripe.Event): Promise<{ inserted: boolean }> {
    try {
      const result = await this.log.enqueue(event);
      this.#metrics[result.inserted ? 'queued' : 'duplicates'] += 1;
      return result;
    } catch (err) {
      this.#countError(err);
      throw err;
    }
  }

  /**
   * Applies an event this process holds the lease on and records the outcome: `processed`/`ignored`, or `failed`
   * with the scrubbed error and the time of the next attempt (`dead` once `maxAttempts` is reached when `deadLetter`).
   * Throws only when the event log cannot record the outcome.
   */
  async processClaimed(claimed: ClaimedEvent, how: { source: EventSource; deadLetter: boolean }): Promise<ProcessOutcome> {
    const { event, attempts } = claimed;
    let snapshot: Stripe.Event;
    try {
      snapshot = isThinEvent(event) ? await hydrateThinEvent(event, this.options.mirror) : event;
    } catch (error) {
      return this.#failClaimed(event, attempts, how, error);
    }
    return this.observer.start(snapshot, how.source).settle(this.#processClaimed({ event: snapshot, attempts }, how));
  }

  /** {@link processClaimed} of a snapshot without the observer, for the claimed path of `ingest`, which observes the whole delivery. */
  async #processClaimed(claimed: { event: Stripe.Event; attempts: number }, how: { source: EventSource; deadLetter: boolean }): Promise<ProcessOutcome> {
    const { event, attempts } = claimed;
    try {
      const result = await applyStripeEvent(event, { ...this.#applyOptions(how.source), hooks: this.hooks });
      await this.log.markDone(event.id, result.status);
      return { status: result.status, report: result.report };
    } catch (error) {
      return this.#failClaimed(event, attempts, how, error);
    }
  }

  /** Records why a claimed event did not apply: `invalid` (never applicable), `dead` (out of attempts) or `failed` (retried with backoff). */
  async #failClaimed(event: { id: string; type: string }, attempts: number, how: { deadLetter: boolean }, error: unknown): Promise<ProcessOutcome> {
    const status = isPermanent(error) ? 'invalid' : how.deadLetter && attempts >= this.options.maxAttempts ? 'dead' : 'failed';
    await this.log.markFailed(event.id, error, { status, nextAttemptAt: this.nextAttemptAt(attempts) });
    this.#logFailure(event, error, attempts, status);
    return status === 'invalid' ? { status, report: null } : { status, error };
  }

  /** Exponential backoff: `backoffBaseMs * 2^(attempts - 1)`, capped at `backoffMaxMs`. */
  nextAttemptAt(attempts: number): Date {
    const { backoffBaseMs, backoffMaxMs } = this.options;
    return new Date(Date.now() + Math.min(backoffBaseMs * 2 ** Math.max(0, attempts - 1), backoffMaxMs));
  }

  /** Counts a delivery as it arrives at the HTTP door. */
  countReceived(): void {
    this.#metrics.received += 1;
  }

  /** Counts a delivery refused before it reached the pipeline (bad signature, body too large, consumed body). */
  countRejected(err: unknown): void {
    this.#countError(err);
  }

  /** A snapshot of the counters. */
  metrics(): WebhookMetrics {
    return structuredClone(this.#metrics);
  }

  async #deliver(event: Stripe.Event, source: EventSource): Promise<IngestResult> {
    assertStorable(event);
    if (this.hooks.matches(event.type)) return this.#deliverClaimed(event, source);
    const route = routeEvent(event);
    const companion = route && route.deauthorizes === undefined ? () => this.log.recordCompanion(event, 'processed', source) : undefined;
    let result: ApplyResult;
    try {
      result = await applyStripeEvent(event, { ...this.#applyOptions(source), ...(companion ? { companion } : {}) });
    } catch (error) {
      if (isPermanent(error)) {
        const record = await this.log.recordInvalid(event, error, source);
        if (!record.recorded) return duplicateOrInProgress(event.id, record.status);
        this.#logFailure(event, error, 1, 'invalid');
        return { id: event.id, status: 'invalid', duplicate: false, report: null };
      }
      await this.log.recordFailure(event, error, source, this.nextAttemptAt(1));
      this.#logFailure(event, error, 1, 'failed');
      throw error;
    }
    const written = { id: event.id, status: result.status, duplicate: false, report: result.report };
    const recorded = result.report?.companion;
    if (recorded === 'written') return written;
    if (recorded === 'unchanged') return duplicateOrInProgress(event.id, await this.log.storedStatus(event.id));
    const record = await this.log.record(event, route ? 'processed' : 'ignored', source);
    return record.recorded ? written : duplicateOrInProgress(event.id, record.status);
  }

  /** The path of events with hooks: claim (the lease decides who runs them), apply and hooks, mark. */
  async #deliverClaimed(event: Stripe.Event, source: EventSource): Promise<IngestResult> {
    const claim = await this.log.claim(event, this.options.leaseMs, source);
    if (!claim.claimed) return duplicateOrInProgress(event.id, claim.status);
    const outcome = await this.#processClaimed({ event, attempts: claim.attempts }, { source, deadLetter: false });
    if ('error' in outcome) throw outcome.error;
    return { id: event.id, status: outcome.status, duplicate: false, report: outcome.report };
  }

  /** A delivery whose twin is in flight here answers what the twin got, as a duplicate; or 409 past the wait. */
  async #afterTwin(id: string, twin: Promise<IngestResult>): Promise<IngestResult> {
    const wait = Math.min(this.options.leaseMs, MAX_TWIN_WAIT_MS);
    const result = await withDeadline(twin, wait, () => new EventInProgressError(id));
    return { ...result, duplicate: true, report: null };
  }

  #applyOptions(source: EventSource): Parameters<typeof applyStripeEvent>[1] {
    const { mirror, refetch, logger } = this.options;
    return { mirror, refetch, logger, source };
  }

  async #count(result: Promise<IngestResult>): Promise<IngestResult> {
    try {
      const done = await result;
      this.#metrics[done.duplicate ? 'duplicates' : done.status] += 1;
      return done;
    } catch (err) {
      this.#countError(err);
      throw err;
    }
  }

  /** Counts an error in the one counter it belongs to. */
  #countError(err: unknown): void {
    if (err instanceof WebhookRejectedError) this.#metrics.rejected[err.reason] += 1;
    else if (err instanceof EventInProgressError) this.#metrics.conflicts += 1;
    else if (err instanceof EventLogUnavailableError) this.#metrics.unavailable += 1;
    else this.#metrics.failed += 1;
  }

  #logFailure(event: { id: string; type: string }, error: unknown, attempts: number, status: 'failed' | 'dead' | 'invalid'): void {
    const message = { failed: 'stripe event failed', dead: 'stripe event parked as dead', invalid: 'stripe event can never apply; recorded as invalid' };
    this.options.logger.warn(message[status], {
      id: event.id,
      type: event.type,
      attempts,
      code: errorCode(error),
    });
  }
}

/** A delivery that lost the race: the event is done (a duplicate) or held by another process (in progress). */
function duplicateOrInProgress(id: string, status: string): IngestResult {
  if (status === 'processed' || status === 'ignored' || status === 'invalid') return { id, status, duplicate: true, report: null };
  throw new EventInProgressError(id);
}

/**
 * A failure no retry can fix: the write path refused the payload itself (`SyncInputError`: an object type or field
 * name MongoDB or the mirror cannot take, nesting past the limit). Anything else (database, refetch, hook) is
 * transient and stays `failed`, so Stripe retries.
 */
function isPermanent(error: unknown): boolean {
  return error instanceof SyncInputError;
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'error';
}

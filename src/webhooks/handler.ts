import type Stripe from 'stripe';
import {
  DeliveryTimeoutError,
  EventInProgressError,
  EventLogUnavailableError,
  ThinEventNeedsStripeError,
  WebhookBodyConsumedError,
  WebhookRejectedError,
} from './errors.js';
import type { EventSource } from './event-log.js';
import type { AnyEventHook, EventHook, StripeEventType } from './hooks.js';
import type { WebhookMetrics } from './metrics.js';
import { resolveWebhookOptions, type ResolvedWebhookOptions, type WebhookOptions } from './options.js';
import { EventPipeline, type IngestResult } from './pipeline.js';
import { reprocessWith, type ReprocessFilter, type ReprocessReport } from './reprocess.js';
import { withDeadline } from './deadline.js';
import { hydrateThinEvent, isThinEvent, type ThinEvent } from './thin.js';
import { headerValue, verifyDelivery, type WebhookHeaders } from './verify.js';
import { startWorker, type EventWorker, type WorkerOptions } from './worker.js';

/**
 * One HTTP delivery, framework-free: the request headers and the raw body exactly as received, or a function reading
 * it. Adapters pass the function, so nothing is read before the `Stripe-Signature` header is seen, and whatever it
 * rejects with (`WebhookRejectedError` 'body_too_large', `WebhookBodyConsumedError`) is answered by the same funnel.
 */
export interface WebhookRequest {
  rawBody: Buffer | string | (() => Promise<Buffer | string>);
  headers: WebhookHeaders;
}

/** What to answer Stripe. `body` is JSON-serializable and never echoes the request. */
export interface WebhookResponse {
  status: number;
  body: { received: boolean; id?: string; status?: string; duplicate?: boolean; error?: string; message?: string };
}

/**
 * The webhook pipeline of one mirror behind its HTTP door: verification, then the {@link EventPipeline} (event log,
 * group commits, hooks, counters). Every way in is a method here: `handle` (a delivery), `ingest` (an unsigned
 * event), `reprocess`, `startWorker`; adapters (`stripe-mirror/koa`, …) only turn requests into `handle` calls.
 *
 * ```ts
 * const webhooks = createWebhookHandler({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * webhooks.on('invoice.paid', async (event) => fulfil(event.data.object.id));
 * const { status, body } = await webhooks.handle({ rawBody, headers });
 * ```
 */
export class WebhookHandler {
  readonly options: ResolvedWebhookOptions;
  readonly pipeline: EventPipeline;

  constructor(options: WebhookOptions) {
    this.options = resolveWebhookOptions(options);
    this.pipeline = new EventPipeline(this.options);
  }

  get hooks(): EventPipeline['hooks'] {
    return this.pipeline.hooks;
  }

  /** Registers a hook run after the mirror applied an event of this type (`'*'`: every event). Hooks must be idempotent. */
  on<T extends StripeEventType>(type: T, hook: EventHook<T>): this;
  on(type: '*', hook: AnyEventHook): this;
  on(type: string, hook: AnyEventHook): this {
    this.pipeline.hooks.add(type, hook);
    return this;
  }

  /**
   * Verifies, logs and (in sync mode) applies one delivery. Status codes: 200 applied, ignored or already done
   * (duplicates never apply twice; a duplicate arriving while its twin is applied here waits for it); 202 stored for
   * the worker (queue mode); 400 not a genuine, recent, well-formed event, or one MongoDB can never store
   * (`webhook_unstorable_event`); nothing is stored; 409 another process is applying the same event right now
   * (non-2xx on purpose: Stripe retries later and then gets 200, while a 2xx would lose the event if that other
   * delivery fails); 413 body too large; 500 applying failed (stored as `failed`, Stripe retries), or the body was
   * consumed by a parser in front; 503 the event log is unreachable.
   */
  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    this.pipeline.countReceived();
    let event: Stripe.Event | ThinEvent;
    try {
      event = await this.#verified(request);
    } catch (err) {
      this.pipeline.countRejected(err);
      return this.#failure(err);
    }
    try {
      const snapshot = isThinEvent(event) ? await this.#hydrated(event) : event;
      if (snapshot === undefined) return { status: 200, body: { received: true, id: event.id, status: 'pending' } };
      return this.options.mode === 'queue' ? await this.#enqueue(snapshot) : await this.#apply(snapshot);
    } catch (err) {
      return this.#failure(err);
    }
  }

  /**
   * Records and applies one unsigned event through this handler's pipeline (event log, mirror, hooks, counters),
   * like a verified delivery in sync mode; see `ingestStripeEvent` for the outcomes. `source` defaults to `'replay'`.
   *
   * ```ts
   * for (const event of archived) await webhooks.ingest(event, { source: 'replay' });
   * ```
   */
  ingest(event: Stripe.Event, options: { source?: EventSource } = {}): Promise<IngestResult> {
    return this.pipeline.ingest(event, options.source ?? 'replay');
  }

  /** Queue mode: starts applying stored events in the background. `await worker.stop()` finishes in-flight work. */
  startWorker(options: WorkerOptions = {}): EventWorker {
    return startWorker(this.pipeline, options);
  }

  /** Replays stored events through the same apply path (and this handler's hooks). */
  reprocess(filter: ReprocessFilter = {}): Promise<ReprocessReport> {
    return reprocessWith(this.pipeline, filter);
  }

  /** A snapshot of the counters. */
  metrics(): WebhookMetrics {
    return this.pipeline.metrics();
  }

  /**
   * A thin event's snapshot, its object retrieved through the mirror's Stripe client; without a client the event is
   * stored `pending` with the reason and `undefined` returned (answered 200: Stripe must not retry for days).
   */
  async #hydrated(event: ThinEvent): Promise<Stripe.Event | undefined> {
    try {
      return await hydrateThinEvent(event, this.options.mirror);
    } catch (err) {
      if (!(err instanceof ThinEventNeedsStripeError)) throw err;
      await this.pipeline.log.storeThinPending(event, err, 'webhook');
      this.options.logger.warn('stripe thin event stored pending: no Stripe client to retrieve its object', { id: event.id, type: event.type });
      return undefined;
    }
  }

  async #verified(request: WebhookRequest): Promise<Stripe.Event | ThinEvent> {
    const { maxBodyBytes } = this.options;
    if (typeof request.rawBody === 'function' && (headerValue(request.headers, 'stripe-signature') ?? '').trim() === '') {
      throw new WebhookRejectedError('missing_signature', 'missing Stripe-Signature header');
    }
    const rawBody = typeof request.rawBody === 'function' ? await request.rawBody() : request.rawBody;
    const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.length;
    if (size > maxBodyBytes) throw new WebhookRejectedError('body_too_large', `body exceeds ${maxBodyBytes} bytes`);
    return verifyDelivery(rawBody, request.headers, this.options);
  }

  async #apply(event: Stripe.Event): Promise<WebhookResponse> {
    const result = await withinBudget(this.pipeline.ingest(event, 'webhook'), event.id, this.options.deliveryTimeoutMs);
    return {
      status: 200,
      body: { received: true, id: event.id, status: result.status, ...(result.duplicate ? { duplicate: true } : {}) },
    };
  }

  async #enqueue(event: Stripe.Event): Promise<WebhookResponse> {
    const { inserted } = await this.pipeline.enqueue(event);
    return { status: 202, body: { received: true, id: event.id, status: 'pending', duplicate: !inserted } };
  }

  /** The one place errors become status codes (adapters included: they hand their errors to `handle`); counted where they arose. */
  #failure(err: unknown): WebhookResponse {
    const { logger } = this.options;
    if (err instanceof WebhookRejectedError) {
      logger.warn('stripe webhook rejected', { reason: err.reason });
      return { status: err.reason === 'body_too_large' ? 413 : 400, body: { received: false, error: err.code, message: err.message } };
    }
    if (err instanceof EventInProgressError) {
      return { status: 409, body: { received: false, error: err.code, message: err.message } };
    }
    if (err instanceof DeliveryTimeoutError) {
      logger.warn('stripe webhook answered 503: delivery budget spent', { code: err.code });
      return { status: 503, body: { received: false, error: err.code, message: err.message } };
    }
    if (err instanceof EventLogUnavailableError) {
      logger.error('stripe event log unavailable', { code: err.code });
      return { status: 503, body: { received: false, error: err.code, message: 'event log unavailable; retry later' } };
    }
    if (err instanceof WebhookBodyConsumedError) {
      logger.error('stripe webhook body was consumed by a body parser; mount the webhook handler before it');
      return { status: 500, body: { received: false, error: err.code, message: err.message } };
    }
    const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'event_failed';
    logger.error('stripe webhook processing failed', { code });
    return { status: 500, body: { received: false, error: code, message: 'processing failed; the event is stored as failed' } };
  }
}

/**
 * `work`, or {@link DeliveryTimeoutError} once `budgetMs` has passed (0: no budget). The work is not abandoned: its
 * outcome lands in the log, and a failure after the answer is counted by the pipeline, not left unhandled.
 */
function withinBudget<T>(work: Promise<T>, eventId: string, budgetMs: number): Promise<T> {
  if (budgetMs === 0) return work;
  work.catch(() => undefined);
  return withDeadline(work, budgetMs, () => new DeliveryTimeoutError(eventId, budgetMs));
}

/** Creates a {@link WebhookHandler}; see {@link WebhookHandler.handle} for the status codes. */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  return new WebhookHandler(options);
}

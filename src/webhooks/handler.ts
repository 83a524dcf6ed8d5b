import type Stripe from 'stripe';
import { EventInProgressError, EventLogUnavailableError, WebhookRejectedError } from './errors.js';
import { enqueueEvent, type EventSource } from './event-log.js';
import { EventHooks, type AnyEventHook, type EventHook, type StripeEventType } from './hooks.js';
import { ingestEvent, type IngestResult } from './ingest.js';
import { emptyMetrics, type WebhookMetrics } from './metrics.js';
import { resolveWebhookOptions, type ResolvedWebhookOptions, type WebhookOptions } from './options.js';
import { reprocessEvents, type ReprocessFilter, type ReprocessReport } from './reprocess.js';
import { verifyStripeWebhook, type WebhookHeaders } from './verify.js';
import { startWorker, type EventWorker, type WorkerOptions } from './worker.js';

/** One HTTP delivery, framework-free: the raw body exactly as received and the request headers. */
export interface WebhookRequest {
  rawBody: Buffer | string;
  headers: WebhookHeaders;
}

/** What to answer Stripe. `body` is JSON-serializable and never echoes the request. */
export interface WebhookResponse {
  status: number;
  body: { received: boolean; id?: string; status?: string; duplicate?: boolean; error?: string; message?: string };
}

/**
 * A webhook handler bound to its options, with hooks, a queue worker and counters:
 *
 * ```ts
 * const webhooks = createWebhookHandler({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * webhooks.on('invoice.paid', async (event) => fulfil(event.data.object.id));
 * // Express: app.post('/stripe/webhook', express.raw({ type: '*' + '/*' }), async (req, res) => {
 * //   const { status, body } = await webhooks.handle({ rawBody: req.body, headers: req.headers });
 * //   res.status(status).json(body); });
 * ```
 */
export class WebhookHandler {
  readonly options: ResolvedWebhookOptions;
  readonly hooks = new EventHooks();
  readonly #metrics = emptyMetrics();

  constructor(options: WebhookOptions) {
    this.options = resolveWebhookOptions(options);
  }

  /** Registers a hook run after the mirror applied an event of this type (`'*'`: every event). Hooks must be idempotent. */
  on<T extends StripeEventType>(type: T, hook: EventHook<T>): this;
  on(type: '*', hook: AnyEventHook): this;
  on(type: string, hook: AnyEventHook): this {
    this.hooks.add(type, hook);
    return this;
  }

  /** Verifies, logs and (in sync mode) applies one delivery; see {@link handleStripeWebhook} for the status codes. */
  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    this.#metrics.received += 1;
    const size = typeof request.rawBody === 'string' ? Buffer.byteLength(request.rawBody) : request.rawBody.length;
    try {
      if (size > this.options.maxBodyBytes) {
        throw new WebhookRejectedError('body_too_large', `body exceeds ${this.options.maxBodyBytes} bytes`);
      }
      const event = verifyStripeWebhook(request.rawBody, request.headers, this.options);
      return this.options.mode === 'queue' ? await this.#enqueue(event) : await this.#apply(event);
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
  async ingest(event: Stripe.Event, options: { source?: EventSource } = {}): Promise<IngestResult> {
    try {
      return await this.#ingest(event, options.source ?? 'replay');
    } catch (err) {
      this.#count(err);
      throw err;
    }
  }

  /** Queue mode: starts applying stored events in the background. `await worker.stop()` finishes in-flight work. */
  startWorker(options: WorkerOptions = {}): EventWorker {
    return startWorker({ options: this.options, hooks: this.hooks }, options);
  }

  /** Replays stored events through the same apply path (and this handler's hooks). */
  reprocess(filter: ReprocessFilter = {}): Promise<ReprocessReport> {
    return reprocessEvents({ ...filter, handler: this });
  }

  /** A snapshot of the counters. */
  metrics(): WebhookMetrics {
    return structuredClone(this.#metrics);
  }

  async #apply(event: Stripe.Event): Promise<WebhookResponse> {
    const result = await this.#ingest(event, 'webhook');
    return {
      status: 200,
      body: { received: true, id: event.id, status: result.status, ...(result.duplicate ? { duplicate: true } : {}) },
    };
  }

  async #ingest(event: Stripe.Event, source: EventSource): Promise<IngestResult> {
    const result = await ingestEvent(event, { options: this.options, hooks: this.hooks }, source);
    this.#metrics[result.duplicate ? 'duplicates' : result.status] += 1;
    return result;
  }

  async #enqueue(event: Stripe.Event): Promise<WebhookResponse> {
    const { inserted } = await enqueueEvent(this.options.mirror, event);
    if (inserted) this.#metrics.queued += 1;
    else this.#metrics.duplicates += 1;
    return { status: 202, body: { received: true, id: event.id, status: 'pending', duplicate: !inserted } };
  }

  /** Counts an error in the one counter it belongs to. */
  #count(err: unknown): void {
    if (err instanceof WebhookRejectedError) this.#metrics.rejected[err.reason] += 1;
    else if (err instanceof EventInProgressError) this.#metrics.conflicts += 1;
    else if (err instanceof EventLogUnavailableError) this.#metrics.unavailable += 1;
    else this.#metrics.failed += 1;
  }

  /** The one place errors become status codes. */
  #failure(err: unknown): WebhookResponse {
    const { logger } = this.options;
    this.#count(err);
    if (err instanceof WebhookRejectedError) {
      logger.warn('stripe webhook rejected', { reason: err.reason });
      return { status: err.reason === 'body_too_large' ? 413 : 400, body: { received: false, error: err.code, message: err.message } };
    }
    if (err instanceof EventInProgressError) {
      return { status: 409, body: { received: false, error: err.code, message: err.message } };
    }
    if (err instanceof EventLogUnavailableError) {
      logger.error('stripe event log unavailable', { code: err.code });
      return { status: 503, body: { received: false, error: err.code, message: 'event log unavailable; retry later' } };
    }
    const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'event_failed';
    logger.error('stripe webhook processing failed', { code });
    return { status: 500, body: { received: false, error: code, message: 'processing failed; the event is stored as failed' } };
  }
}

/**
 * Creates a {@link WebhookHandler}. Status codes: 200 applied, ignored or already done (duplicates never apply
 * twice); 202 stored for the worker (queue mode); 400 not a genuine, recent, well-formed event, or one MongoDB can
 * never store (`webhook_unstorable_event`: a NUL byte in a field name, nesting too deep); nothing is stored;
 * 409 another delivery of the same event is being applied right now (non-2xx on purpose: Stripe retries later and
 * then gets 200, while a 2xx would lose the event if that other delivery fails); 413 body too large; 500 applying
 * failed (stored as `failed`, Stripe retries); 503 the event log is unreachable.
 */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  return new WebhookHandler(options);
}

const handlersByOptions = new WeakMap<WebhookOptions, WebhookHandler>();

/**
 * The framework-free core: one delivery in, `{ status, body }` out. Pass a handler, or an options object (a handler
 * is created once per options object, so counters accumulate):
 *
 * ```ts
 * const { status, body } = await handleStripeWebhook({ rawBody, headers }, { secrets: ['whsec_…'] });
 * ```
 */
export function handleStripeWebhook(
  request: WebhookRequest,
  options: WebhookOptions | WebhookHandler,
): Promise<WebhookResponse> {
  if (options instanceof WebhookHandler) return options.handle(request);
  let handler = handlersByOptions.get(options);
  if (!handler) {
    handler = new WebhookHandler(options);
    handlersByOptions.set(options, handler);
  }
  return handler.handle(request);
}

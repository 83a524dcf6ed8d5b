import { channel } from 'node:diagnostics_channel';
import type Stripe from 'stripe';
import type { EventSource } from './event-log.js';

/**
 * The `node:diagnostics_channel` names the event pipeline publishes on, stable across releases: a tracer (an
 * OpenTelemetry instrumentation, an APM agent, a test) subscribes without stripe-mirror depending on any of them, and
 * nothing is built or sent while no one listens.
 * - `received`: the pipeline starts on a verified event (a sync-mode delivery, `ingest`, a queue worker's claim,
 *   reprocessing); {@link WebhookReceivedMessage}.
 * - `applied`: it is recorded as `processed` or `ignored`, or was already (`duplicate`); {@link WebhookSettledMessage}.
 * - `failed`: it is not applied: `failed` (retried), `dead`, `invalid`, `conflict` (another process holds it),
 *   `unavailable` (event log unreachable) or `rejected` (MongoDB can never store it); {@link WebhookSettledMessage}.
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe(WEBHOOK_CHANNELS.applied, (message) => {
 *   const { event, durationMs } = message as WebhookSettledMessage;
 *   tracer.startSpan('stripe.event', { startTime: Date.now() - durationMs, attributes: { 'stripe.event.type': event.type } }).end();
 * });
 * ```
 */
export const WEBHOOK_CHANNELS = {
  received: 'stripe-mirror:webhook:received',
  applied: 'stripe-mirror:webhook:applied',
  failed: 'stripe-mirror:webhook:failed',
} as const;

/** What `stripe-mirror:webhook:received` carries. */
export interface WebhookReceivedMessage {
  readonly event: Stripe.Event;
  readonly source: EventSource;
}

/** How the pipeline settled one event: the status stored (or found stored), or why it was not applied. */
export type SettledStatus = 'processed' | 'ignored' | 'invalid' | 'failed' | 'dead' | 'conflict' | 'unavailable' | 'rejected';

/** What `stripe-mirror:webhook:applied` and `stripe-mirror:webhook:failed` carry. */
export interface WebhookSettledMessage extends WebhookReceivedMessage {
  readonly status: SettledStatus;
  /** The event was already done (in the log, or by a twin delivery in this process): nothing was applied. */
  readonly duplicate: boolean;
  /** From `received` to the outcome being recorded, in milliseconds. */
  readonly durationMs: number;
  /** Why it was not applied, on `failed` (undefined for `invalid`, whose reason is stored in the event log). */
  readonly error?: unknown;
}

/** The channel objects, created once: `channel(name)` returns the same object for a name anyway. */
export const webhookChannels = {
  received: channel(WEBHOOK_CHANNELS.received),
  applied: channel(WEBHOOK_CHANNELS.applied),
  failed: channel(WEBHOOK_CHANNELS.failed),
};

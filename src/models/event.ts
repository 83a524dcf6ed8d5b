import { Schema } from 'mongoose';
import type Stripe from 'stripe';
import { STRIPE_SCHEMA_OPTIONS, stripeObjectPlugin } from './plugin.js';
import type { Stored, StripeObjectModel } from './types.js';
import { setStripeObjectType } from './write-through.js';

/** Collection of the Stripe event log. */
export const STRIPE_EVENTS_COLLECTION = 'stripe_events';

/** Processing states of a logged event (the webhook worker moves events through them). */
export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'failed', 'ignored', 'dead', 'invalid'] as const;
/** One of {@link EVENT_STATUSES}. */
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Processing bookkeeping stored beside the event as Stripe sent it. */
export interface EventLogFields {
  status: EventStatus;
  attempts: number;
  lastError?: { message?: string; stack?: string } | null;
  receivedAt?: Date | null;
  processedAt?: Date | null;
  leaseUntil?: Date | null;
  /** When a queue worker may take the event: retry time (pending/failed), lease end (processing), null when settled. */
  nextAttemptAt?: Date | null;
}

/** A stored event: `Stripe.Event`'s fields (`type` narrowed by the union), processing state and mirror bookkeeping. */
export type StoredEvent = Stored<Stripe.EventBase> & { data: Stripe.Event['data'] } & EventLogFields;

/** The `Event` model (collection `stripe_events`, `_id` = event id). */
export type StripeEventModel = StripeObjectModel<StoredEvent>;

/**
 * Schema of the event log: the event exactly as Stripe sent it plus processing state. Indexed for the webhook
 * worker's one query per poll (`{ status: { $in: [...] }, nextAttemptAt: { $lte: now } }` sorted by `nextAttemptAt`:
 * `status` + `nextAttemptAt` serves it without an in-memory sort) and for reprocessing by type and time
 * (`type` + `created`).
 *
 * ```ts
 * const Event = connection.model('StripeEvent', eventSchema());
 * await Event.find({ status: 'failed' }).sort({ created: 1 });
 * ```
 */
export function eventSchema(): Schema {
  const schema = new Schema(
    {
      type: { type: String },
      status: { type: String, enum: EVENT_STATUSES, default: 'pending' },
      attempts: { type: Number, default: 0 },
      lastError: { message: String, stack: String },
      receivedAt: Date,
      processedAt: Date,
      leaseUntil: Date,
      nextAttemptAt: Date,
    },
    { ...STRIPE_SCHEMA_OPTIONS, collection: STRIPE_EVENTS_COLLECTION },
  );
  schema.plugin(stripeObjectPlugin, { expandableFields: () => [], relationIndexes: false });
  setStripeObjectType(schema, 'event');
  schema.index({ status: 1, nextAttemptAt: 1 });
  schema.index({ type: 1, created: 1 });
  return schema;
}

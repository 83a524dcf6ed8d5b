import type { Schema } from 'mongoose';
import type Stripe from 'stripe';
import type { Stored, StripeDocument, StripeObjectModel } from './types.js';
import { callAndSync, modelOf } from './write-through.js';

/** Statuses in which Stripe is providing the subscription (trial included). */
const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['active', 'trialing']);

/** A stored subscription; old API versions also carry `current_period_*` at the top level. */
export type StoredSubscription = Stored<Stripe.Subscription> & { current_period_start?: number; current_period_end?: number };

/** Hand-written Subscription methods (`at` defaults to now). */
export interface SubscriptionMethods {
  /**
   * End of the current billing period (unix seconds): the old top-level `current_period_end`, else the latest
   * `items.data[].current_period_end` (API 2025-03-31 and later), else null.
   */
  currentPeriodEnd(): number | null;
  /** Stripe is providing the subscription: status `active` or `trialing`, and it has not ended. */
  isActive(at?: Date): boolean;
  /**
   * The customer should have access: active, or `past_due` (Stripe is still retrying payment), or canceled but
   * still inside the period already paid for. Ended subscriptions (`ended_at` passed) are never valid.
   */
  isValid(at?: Date): boolean;
  /** Cancels in Stripe, now (`DELETE`) or at the period end (`cancel_at_period_end`), and syncs the result. */
  cancel(options?: { atPeriodEnd?: boolean }): Promise<SubscriptionDocument>;
}

/** A hydrated subscription document. */
export type SubscriptionDocument = StripeDocument<StoredSubscription, SubscriptionMethods>;
/** The Subscription model: `(await Subscription.findById(id))!.isValid()`. */
export type SubscriptionModel = StripeObjectModel<StoredSubscription, SubscriptionMethods>;

/** Adds the hand-written Subscription behaviour to its discriminator schema. */
export function defineSubscription(schema: Schema): void {
  schema.method('currentPeriodEnd', function currentPeriodEnd(this: SubscriptionDocument): number | null {
    if (typeof this.current_period_end === 'number') return this.current_period_end;
    const ends = (this.items?.data ?? []).map((item) => item.current_period_end).filter((end) => typeof end === 'number');
    return ends.length > 0 ? Math.max(...ends) : null;
  });

  schema.method('isActive', function isActive(this: SubscriptionDocument, at: Date = new Date()): boolean {
    return ACTIVE_STATUSES.has(this.status) && !hasEnded(this, at);
  });

  schema.method('isValid', function isValid(this: SubscriptionDocument, at: Date = new Date()): boolean {
    if (hasEnded(this, at)) return false;
    if (ACTIVE_STATUSES.has(this.status) || this.status === 'past_due') return true;
    const periodEnd = this.currentPeriodEnd();
    return this.status === 'canceled' && periodEnd !== null && periodEnd * 1000 > at.getTime();
  });

  schema.method('cancel', function cancel(this: SubscriptionDocument, options: { atPeriodEnd?: boolean } = {}) {
    const path = `/v1/subscriptions/${encodeURIComponent(this._id)}`;
    return options.atPeriodEnd
      ? callAndSync<SubscriptionDocument>(modelOf(this), 'POST', path, { cancel_at_period_end: true }, this.stripeAccount)
      : callAndSync<SubscriptionDocument>(modelOf(this), 'DELETE', path, {}, this.stripeAccount);
  });
}

function hasEnded(subscription: SubscriptionDocument, at: Date): boolean {
  const endedAt = subscription.ended_at;
  return typeof endedAt === 'number' && endedAt * 1000 <= at.getTime();
}

import type { Schema } from 'mongoose';
import type Stripe from 'stripe';
import { SubscriptionItemAmbiguousError } from './errors.js';
import { stripeClientOf } from './registry.js';
import { asStripeObject, stripeRequest } from './stripe-request.js';
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
  /**
   * Undoes a pause. A subscription in status `paused` (its trial ended without a payment method, or Stripe's pause
   * endpoint) is resumed with `POST /v1/subscriptions/:id/resume` (`params` pass through: `billing_cycle_anchor`,
   * `proration_behavior`, …); one whose payment collection was paused with {@link pause} gets `pause_collection`
   * cleared. Any other subscription goes to `/resume` too, and Stripe's refusal comes back as a `StripeApiError`.
   *
   * ```ts
   * if (subscription.status === 'paused' || subscription.pause_collection) await subscription.resume();
   * ```
   */
  resume(params?: Stripe.SubscriptionResumeParams): Promise<SubscriptionDocument>;
  /**
   * Takes back a cancellation scheduled for the period end (`cancel_at_period_end: false`), as dj-stripe's
   * `reactivate()` or Pay's `resume` in the grace period. A subscription already canceled cannot come back: Stripe
   * refuses, and that is a `StripeApiError`.
   */
  reactivate(): Promise<SubscriptionDocument>;
  /**
   * Pauses payment collection (`pause_collection`): the subscription stays `active` and its invoices are kept as
   * drafts, marked uncollectible or voided (`behavior`) until `resumesAt` (unix seconds) or {@link resume}.
   *
   * ```ts
   * await subscription.pause({ behavior: 'void', resumesAt: Math.floor(Date.now() / 1000) + 30 * 86_400 });
   * ```
   */
  pause(options: PauseOptions): Promise<SubscriptionDocument>;
  /** Ends the trial now (`trial_end: 'now'`): Stripe starts the first paid period and invoices it. */
  endTrial(): Promise<SubscriptionDocument>;
  /**
   * Moves the subscription to another price by replacing the price of its item (`items[0][id]` + `[price]`). A
   * subscription with several items needs `itemId`; without it nothing is sent and the promise rejects with
   * `SubscriptionItemAmbiguousError`, which names the items.
   *
   * ```ts
   * await subscription.swap('price_pro', { prorationBehavior: 'always_invoice' });
   * ```
   */
  swap(priceId: string, options?: SwapOptions): Promise<SubscriptionDocument>;
  /**
   * The invoice Stripe would create next for this subscription (`POST /v1/invoices/create_preview`), as Stripe
   * answers it. Not stored: a preview is no invoice (its `upcoming_in_…` id retrieves nothing). `params` pass through,
   * e.g. `subscription_details.items` to preview a swap.
   *
   * ```ts
   * const { amount_due, next_payment_attempt } = await subscription.previewUpcomingInvoice();
   * ```
   */
  previewUpcomingInvoice(params?: Omit<Stripe.InvoiceCreatePreviewParams, 'subscription'>): Promise<Stripe.Invoice>;
}

/** Options of `subscription.pause()`. */
export interface PauseOptions {
  /** What happens to invoices while paused: `keep_as_draft`, `mark_uncollectible` or `void`. */
  behavior: Stripe.SubscriptionUpdateParams.PauseCollection.Behavior;
  /** Unix seconds at which Stripe resumes collection by itself. */
  resumesAt?: number;
}

/** Options of `subscription.swap()`. */
export interface SwapOptions {
  /** The item whose price changes; needed when the subscription has several items. */
  itemId?: string;
  /** Stripe's `proration_behavior` (`create_prorations` when omitted, Stripe's default). */
  prorationBehavior?: Stripe.SubscriptionUpdateParams.ProrationBehavior;
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

  schema.method('resume', function resume(this: SubscriptionDocument, params: Stripe.SubscriptionResumeParams = {}) {
    if (this.status !== 'paused' && this.pause_collection) return update(this, { pause_collection: '' });
    return callAndSync<SubscriptionDocument>(modelOf(this), 'POST', `${pathOf(this)}/resume`, { ...params }, this.stripeAccount);
  });

  schema.method('reactivate', function reactivate(this: SubscriptionDocument) {
    return update(this, { cancel_at_period_end: false });
  });

  schema.method('pause', function pause(this: SubscriptionDocument, options: PauseOptions) {
    const pauseCollection: Stripe.SubscriptionUpdateParams.PauseCollection = {
      behavior: options.behavior,
      ...(options.resumesAt !== undefined ? { resumes_at: options.resumesAt } : {}),
    };
    return update(this, { pause_collection: pauseCollection });
  });

  schema.method('endTrial', function endTrial(this: SubscriptionDocument) {
    return update(this, { trial_end: 'now' });
  });

  schema.method('swap', async function swap(this: SubscriptionDocument, priceId: string, options: SwapOptions = {}) {
    const itemIds = (this.items?.data ?? []).map((item) => item.id);
    const itemId = options.itemId ?? (itemIds.length === 1 ? itemIds[0] : undefined);
    if (itemId === undefined) throw new SubscriptionItemAmbiguousError(this._id, itemIds);
    return update(this, {
      items: [{ id: itemId, price: priceId }],
      ...(options.prorationBehavior !== undefined ? { proration_behavior: options.prorationBehavior } : {}),
    });
  });

  schema.method(
    'previewUpcomingInvoice',
    async function previewUpcomingInvoice(this: SubscriptionDocument, params: Omit<Stripe.InvoiceCreatePreviewParams, 'subscription'> = {}) {
      const body: Stripe.InvoiceCreatePreviewParams = { ...params, subscription: this._id };
      const response = await stripeRequest(stripeClientOf(this.db), 'POST', '/v1/invoices/create_preview', { ...body }, this.stripeAccount);
      // Stripe answers an invoice object; asStripeObject checked that it is an object at all.
      return asStripeObject(response.body, 'POST /v1/invoices/create_preview') as unknown as Stripe.Invoice;
    },
  );
}

function pathOf(subscription: SubscriptionDocument): string {
  return `/v1/subscriptions/${encodeURIComponent(subscription._id)}`;
}

/** One subscription update through the write path; the params are Stripe's own update params. */
function update(subscription: SubscriptionDocument, params: Stripe.SubscriptionUpdateParams): Promise<SubscriptionDocument> {
  return callAndSync<SubscriptionDocument>(modelOf(subscription), 'POST', pathOf(subscription), { ...params }, subscription.stripeAccount);
}

function hasEnded(subscription: SubscriptionDocument, at: Date): boolean {
  const endedAt = subscription.ended_at;
  return typeof endedAt === 'number' && endedAt * 1000 <= at.getTime();
}

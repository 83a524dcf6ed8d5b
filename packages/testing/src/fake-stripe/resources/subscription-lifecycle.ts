import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, type Json, type StripeObjectLike } from '../json.js';
import { hashParam, optionalNumber, optionalString } from '../params.js';
import { findOr404 } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { defaultPaymentMethod } from './charges.js';
import { createInvoiceRecord, finalizeInvoice, payInvoice, subscriptionLine } from './invoices.js';
import { itemsList, itemsOf, periodFor, type Period } from './subscription-items.js';

/**
 * `pause_collection` from an update: `pause_collection[behavior]=void` (optionally `[resumes_at]`) pauses payment
 * collection, `pause_collection=` resumes it. The status stays as it is (Stripe keeps `active`); `undefined` when the
 * update does not touch it.
 */
export function pauseCollectionFrom(params: Params): Json | undefined {
  const value = params.pause_collection;
  if (value === undefined) return undefined;
  if (value === '') return null;
  const hash = hashParam(params, 'pause_collection');
  const behavior = optionalString(hash, 'behavior');
  if (behavior === undefined || !['keep_as_draft', 'mark_uncollectible', 'void'].includes(behavior)) {
    throw invalidRequest('Invalid pause_collection[behavior]: must be one of keep_as_draft, mark_uncollectible, or void', { param: 'pause_collection[behavior]' });
  }
  return { behavior, resumes_at: optionalNumber(hash, 'resumes_at') ?? null };
}

/**
 * `trial_end=now` on a trialing subscription: a new billing period starts now, its invoice is paid with the default
 * payment method (status `active`). Without one, `trial_settings.end_behavior.missing_payment_method=pause` pauses it
 * (status `paused`, no invoice); otherwise it is `past_due` with the invoice left open. Returns the subscription to
 * save: the caller records the update (and `customer.subscription.paused`).
 */
export function endTrial(ctx: OpContext, subscription: StripeObjectLike): StripeObjectLike {
  const now = ctx.now();
  const ended: StripeObjectLike = { ...subscription, trial_end: now };
  const paymentMethod = paymentMethodOf(ctx, subscription);
  if (paymentMethod === null && missingPaymentMethodBehavior(subscription) === 'pause') return { ...ended, status: 'paused' };
  const period = startPeriod(ctx, subscription, now);
  const invoice = invoiceForPeriod(ctx, subscription, period, 'subscription_update', paymentMethod);
  return { ...ended, billing_cycle_anchor: now, status: invoice.status === 'paid' ? 'active' : 'past_due', latest_invoice: invoice.id };
}

/**
 * `POST /v1/subscriptions/:id/pause`: status `paused` (`customer.subscription.paused` with the update). Stripe
 * refuses subscriptions that are not active or trialing.
 */
function pauseSubscription(ctx: OpContext, subscription: StripeObjectLike): StripeObjectLike {
  if (subscription.status !== 'active' && subscription.status !== 'trialing') {
    throw invalidRequest(`A subscription with status ${String(subscription.status)} cannot be paused.`, { code: 'subscription_pause_unavailable' });
  }
  return saveTransition(ctx, { ...subscription, status: 'paused' }, subscription, 'customer.subscription.paused');
}

/**
 * `POST /v1/subscriptions/:id/resume` of a `paused` subscription. `billing_cycle_anchor=now` (the default) starts a
 * new period and a resumption invoice, charged with the default payment method: paid -> `active`
 * (`customer.subscription.resumed`); no payment method -> the invoice stays open and the subscription `paused`.
 * `billing_cycle_anchor=unchanged` resumes without an invoice (no prorations are modelled).
 */
function resumeSubscription(ctx: OpContext, subscription: StripeObjectLike, params: Params): StripeObjectLike {
  if (subscription.status !== 'paused') {
    throw invalidRequest(`Only a paused subscription can be resumed; this subscription's status is ${String(subscription.status)}.`, {
      code: 'subscription_not_paused',
    });
  }
  if (params.billing_cycle_anchor === 'unchanged') {
    return saveTransition(ctx, { ...subscription, status: 'active' }, subscription, 'customer.subscription.resumed');
  }
  const now = ctx.now();
  const period = startPeriod(ctx, subscription, now);
  const invoice = invoiceForPeriod(ctx, subscription, period, 'subscription_update', paymentMethodOf(ctx, subscription));
  const next: StripeObjectLike = { ...subscription, billing_cycle_anchor: now, latest_invoice: invoice.id, status: invoice.status === 'paid' ? 'active' : 'paused' };
  return saveTransition(ctx, next, subscription, next.status === 'active' ? 'customer.subscription.resumed' : null);
}

/** Saves with the rebuilt items list, recording `customer.subscription.updated` and then the transition's own event. */
function saveTransition(
  ctx: OpContext,
  next: StripeObjectLike,
  previous: StripeObjectLike,
  transition: 'customer.subscription.paused' | 'customer.subscription.resumed' | null,
): StripeObjectLike {
  const saved = ctx.save({ ...next, items: itemsList(next.id, itemsOf(ctx, next.id)) }, 'customer.subscription.updated', previous);
  if (transition !== null) ctx.emit(transition, saved);
  return saved;
}

/** Moves every item to a new period starting at `start` (its own price's interval) and returns the first one's. */
function startPeriod(ctx: OpContext, subscription: StripeObjectLike, start: number): Period {
  const items = itemsOf(ctx, subscription.id);
  for (const item of items) {
    const period = periodFor(isJsonObject(item.price) ? item.price : {}, start);
    ctx.scope.put({ ...item, current_period_start: period.start, current_period_end: period.end });
  }
  const first = items[0];
  return periodFor(first && isJsonObject(first.price) ? first.price : {}, start);
}

function invoiceForPeriod(ctx: OpContext, subscription: StripeObjectLike, period: Period, billingReason: string, paymentMethod: string | null): StripeObjectLike {
  const customer = findOr404(ctx, 'customer', String(subscription.customer));
  const items = itemsOf(ctx, subscription.id);
  const draft = createInvoiceRecord(ctx, {
    customer,
    subscription,
    billingReason,
    period,
    lines: (invoiceId) => items.map((item) => subscriptionLine(ctx, invoiceId, item, period)),
  });
  return paymentMethod === null ? finalizeInvoice(ctx, draft) : payInvoice(ctx, draft, { payment_method: paymentMethod });
}

function paymentMethodOf(ctx: OpContext, subscription: StripeObjectLike): string | null {
  const own = subscription.default_payment_method;
  return typeof own === 'string' ? own : defaultPaymentMethod(ctx, typeof subscription.customer === 'string' ? subscription.customer : null);
}

function missingPaymentMethodBehavior(subscription: StripeObjectLike): string | null {
  const settings = subscription.trial_settings;
  const endBehavior = isJsonObject(settings) ? settings.end_behavior : null;
  return isJsonObject(endBehavior) && typeof endBehavior.missing_payment_method === 'string' ? endBehavior.missing_payment_method : null;
}

function action(path: string, run: (ctx: OpContext, subscription: StripeObjectLike, params: Params) => StripeObjectLike): Route {
  return { method: 'POST', path, handler: (ctx, request) => run(ctx, findOr404(ctx, 'subscription', idOf(request)), request.params) };
}

/** `POST /v1/subscriptions/:id/pause` and `/resume`. */
export const subscriptionLifecycleRoutes: Route[] = [
  action('/v1/subscriptions/:id/pause', (ctx, subscription) => pauseSubscription(ctx, subscription)),
  action('/v1/subscriptions/:id/resume', resumeSubscription),
];

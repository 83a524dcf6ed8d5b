import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest, missingParam } from '../http-errors.js';
import { isJsonObject, numberField, type JsonObject, type StripeObjectLike } from '../json.js';
import { applyParams, arrayParam, optionalBoolean, optionalNumber, optionalString, requireString } from '../params.js';
import { findReferenced, resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';
import { blank } from '../templates.js';
import { defaultPaymentMethod } from './charges.js';
import { createInvoiceRecord, finalizeInvoice, payInvoice, subscriptionLine } from './invoices.js';
import {
  applyItemChanges,
  buildItem,
  itemsList,
  itemsOf,
  periodFor,
  resolvePrice,
  saveWithItems,
  subscriptionItemRoutes,
  type Period,
} from './subscription-items.js';
import { endTrial, pauseCollectionFrom, subscriptionLifecycleRoutes } from './subscription-lifecycle.js';

const SKIPPED = [
  'customer', 'items', 'cancel_at_period_end', 'cancel_at', 'trial_end', 'trial_period_days', 'status', 'proration_behavior', 'payment_behavior',
  'pause_collection',
];

/**
 * `POST /v1/subscriptions`: `customer` and `items[i][price]` (recurring) required. Without a trial the first invoice
 * is created and paid with the default payment method (status `active`); with `trial_period_days` / `trial_end` the
 * status is `trialing` and the invoice is zero. No payment method: Stripe's 400, or `incomplete` with
 * `payment_behavior=default_incomplete`. Periods live on the items (`current_period_start/end`), as in the current API.
 */
export function createSubscription(ctx: OpContext, params: Params): StripeObjectLike {
  const customer = findReferenced(ctx, 'customer', requireString(params, 'customer'), 'customer');
  const itemParams = arrayParam(params, 'items');
  if (itemParams.length === 0) throw missingParam('items');
  const prices = itemParams.map((item, index) => resolvePrice(ctx, typeof item === 'object' && !Array.isArray(item) ? item : {}, `items[${index}]`));
  const now = ctx.now();
  const trialEnd = trialEndFrom(params, now);
  const firstPrice = prices[0];
  if (!firstPrice) throw missingParam('items');
  const period: Period = trialEnd === null ? periodFor(firstPrice, now) : { start: now, end: trialEnd };
  const paymentMethod = optionalString(params, 'default_payment_method') ?? defaultPaymentMethod(ctx, customer.id);
  const amount = prices.reduce((sum, price, index) => sum + numberField(price, 'unit_amount') * quantityOf(itemParams[index]), 0);
  const sendInvoice = params.collection_method === 'send_invoice';
  const needsPayment = trialEnd === null && amount > 0 && !sendInvoice;
  if (needsPayment && paymentMethod === null && params.payment_behavior !== 'default_incomplete') {
    throw invalidRequest('This customer has no attached payment source or default payment method. Please consider adding a default payment method.', {
      code: 'resource_missing',
    });
  }
  const id = ctx.ids.next('sub', 16);
  itemParams.forEach((item, index) => {
    const price = prices[index];
    if (price && typeof item === 'object' && !Array.isArray(item)) ctx.scope.put(buildItem(ctx, id, price, item, period));
  });
  const items = itemsOf(ctx, id);
  const base: StripeObjectLike = {
    ...blank('subscription'),
    id,
    object: 'subscription',
    created: now,
    billing_cycle_anchor: period.end === trialEnd ? trialEnd : now,
    currency: String(firstPrice.currency ?? 'usd'),
    customer: customer.id,
    default_payment_method: optionalString(params, 'default_payment_method') ?? null,
    items: itemsList(id, items),
    start_date: now,
    status: trialEnd !== null ? 'trialing' : 'active',
    trial_start: trialEnd === null ? null : now,
    trial_end: trialEnd,
  };
  let subscription: StripeObjectLike = { ...applyParams(base, params, { skip: [...SKIPPED, 'default_payment_method'] }), id, object: 'subscription' };
  if (optionalBoolean(params, 'cancel_at_period_end') === true) subscription = scheduleCancel(ctx, subscription, period.end);
  ctx.scope.put(subscription);
  const draft = createInvoiceRecord(ctx, {
    customer,
    subscription,
    billingReason: 'subscription_create',
    period,
    lines: (invoiceId) => items.map((item) => (trialEnd === null ? subscriptionLine(ctx, invoiceId, item, period) : { ...subscriptionLine(ctx, invoiceId, item, period), amount: 0, subtotal: 0 })),
  });
  const invoice =
    sendInvoice ? finalizeInvoice(ctx, draft)
    : needsPayment && paymentMethod === null ? finalizeInvoice(ctx, draft)
    : payInvoice(ctx, draft, paymentMethod ? { payment_method: paymentMethod } : {});
  const status = needsPayment && paymentMethod === null ? 'incomplete' : subscription.status ?? 'active';
  return ctx.save({ ...subscription, status, latest_invoice: invoice.id }, 'customer.subscription.created');
}

/**
 * `POST /v1/subscriptions/:id`: items (a price swap is `items[0][id]` + `items[0][price]`), `cancel_at_period_end`,
 * `cancel_at`, `pause_collection`, `trial_end=now` (see {@link endTrial}), metadata and the rest.
 */
function updateSubscription(ctx: OpContext, subscription: StripeObjectLike, params: Params): StripeObjectLike {
  if (subscription.status === 'canceled') {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', { code: 'subscription_canceled' });
  }
  let next: StripeObjectLike = { ...applyParams(subscription, params, { skip: SKIPPED }), id: subscription.id, object: 'subscription' };
  const itemChanges = arrayParam(params, 'items');
  if (itemChanges.length > 0) applyItemChanges(ctx, subscription, itemChanges);
  const periodEnd = Math.max(...itemsOf(ctx, subscription.id).map((item) => numberField(item, 'current_period_end')));
  const atPeriodEnd = optionalBoolean(params, 'cancel_at_period_end');
  const cancelAt = optionalNumber(params, 'cancel_at');
  if (atPeriodEnd === true) next = scheduleCancel(ctx, next, periodEnd);
  else if (cancelAt !== undefined) next = { ...scheduleCancel(ctx, next, cancelAt), cancel_at_period_end: false };
  else if (atPeriodEnd === false || params.cancel_at === '') {
    next = { ...next, cancel_at_period_end: false, cancel_at: null, canceled_at: null, cancellation_details: { comment: null, feedback: null, reason: null } };
  }
  const pauseCollection = pauseCollectionFrom(params);
  if (pauseCollection !== undefined) next = { ...next, pause_collection: pauseCollection };
  if (params.trial_end === 'now' && next.status === 'trialing') next = endTrial(ctx, next);
  const saved = saveWithItems(ctx, next, subscription);
  if (saved.status === 'paused' && subscription.status !== 'paused') ctx.emit('customer.subscription.paused', saved);
  return saved;
}

function scheduleCancel(ctx: OpContext, subscription: StripeObjectLike, at: number): StripeObjectLike {
  return {
    ...subscription,
    cancel_at_period_end: true,
    cancel_at: at,
    canceled_at: ctx.now(),
    cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
  };
}

/** `DELETE /v1/subscriptions/:id`: cancels now (`customer.subscription.deleted`) and answers the canceled subscription. */
export function cancelSubscription(ctx: OpContext, subscription: StripeObjectLike): StripeObjectLike {
  if (subscription.status === 'canceled') {
    throw invalidRequest(`No such subscription: '${subscription.id}'`, { code: 'resource_missing', param: 'id' });
  }
  const now = ctx.now();
  const details = isJsonObject(subscription.cancellation_details) ? subscription.cancellation_details : {};
  const next: StripeObjectLike = {
    ...subscription,
    status: 'canceled',
    canceled_at: subscription.canceled_at ?? now,
    ended_at: now,
    cancellation_details: { comment: null, feedback: null, ...details, reason: 'cancellation_requested' },
  };
  return ctx.save(next, 'customer.subscription.deleted', subscription);
}

function trialEndFrom(params: Params, now: number): number | null {
  if (params.trial_end === 'now') return null;
  const trialEnd = optionalNumber(params, 'trial_end');
  if (trialEnd !== undefined) return trialEnd;
  const days = optionalNumber(params, 'trial_period_days');
  return days === undefined || days <= 0 ? null : now + days * 86_400;
}

function quantityOf(item: unknown): number {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 1;
  const quantity = (item as Params).quantity;
  return typeof quantity === 'string' ? Number(quantity) : 1;
}

function listFilter(params: Params): ((subscription: StripeObjectLike) => boolean) | undefined {
  const status = optionalString(params, 'status');
  const price = optionalString(params, 'price');
  return (subscription) =>
    (status === 'all' || (status === undefined ? subscription.status !== 'canceled' : subscription.status === status)) &&
    (price === undefined || itemPrices(subscription).includes(price));
}

function itemPrices(subscription: StripeObjectLike): string[] {
  const items = subscription.items;
  if (!isJsonObject(items) || !Array.isArray(items.data)) return [];
  return items.data.flatMap((item) => (isJsonObject(item) && isJsonObject(item.price) && typeof item.price.id === 'string' ? [item.price.id] : []));
}

/** Subscriptions (delete = cancel; list hides canceled unless `status=all`/`canceled`), pause/resume, subscription items. */
export const subscriptionRoutes: Route[] = [
  ...resourceRoutes({
    type: 'subscription',
    path: '/v1/subscriptions',
    create: createSubscription,
    update: updateSubscription,
    remove: (ctx, subscription): JsonObject => cancelSubscription(ctx, subscription),
    filters: ['customer', 'collection_method'],
    listFilter,
  }),
  ...subscriptionLifecycleRoutes,
  ...subscriptionItemRoutes,
];

import type { OpContext } from '../context.js';
import type { Params, ParamValue } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, numberField, type StripeObjectLike } from '../json.js';
import { arrayParam, hashParam, optionalString } from '../params.js';
import { findReferenced } from '../resource.js';
import type { Route } from '../router.js';
import { buildInvoice, invoiceItemLine, subscriptionLine } from './invoices.js';
import { itemsOf, periodFor, resolvePrice, type Period } from './subscription-items.js';

/**
 * `POST /v1/invoices/create_preview`: the invoice Stripe would create next, neither stored nor announced (no event),
 * with an `upcoming_in_…` id that no endpoint retrieves. With `subscription`: one line per item over the next period
 * (from the trial end or the current period end), `subscription_details[items][i][price]` (with `[id]`) previewing a
 * price swap; the customer's pending invoice items are included, as Stripe does. Prorations are not modelled.
 */
function createPreview(ctx: OpContext, params: Params): StripeObjectLike {
  const subscriptionId = optionalString(params, 'subscription');
  const subscription = subscriptionId === undefined ? undefined : findReferenced(ctx, 'subscription', subscriptionId, 'subscription');
  const customerId = optionalString(params, 'customer') ?? (typeof subscription?.customer === 'string' ? subscription.customer : undefined);
  if (customerId === undefined) {
    throw invalidRequest('You must specify at least one of `customer`, `customer_account`, `schedule` or `subscription`.', { param: 'customer' });
  }
  const customer = findReferenced(ctx, 'customer', customerId, 'customer');
  if (subscription?.status === 'canceled') {
    throw invalidRequest(`The subscription ${subscription.id} is canceled: it has no upcoming invoice.`, { code: 'invoice_upcoming_none' });
  }
  const items = subscription ? previewItems(ctx, subscription, arrayParam(hashParam(params, 'subscription_details'), 'items')) : [];
  const period = items.length > 0 && subscription ? nextPeriod(subscription, items) : { start: ctx.now(), end: ctx.now() };
  const pending = ctx.scope.where('invoiceitem', (item) => item.customer === customer.id && item.invoice === null);
  const id = `upcoming_in_${ctx.ids.random(24)}`;
  const preview = buildInvoice(ctx, id, {
    customer,
    ...(subscription ? { subscription } : {}),
    billingReason: subscription ? 'upcoming' : 'manual',
    period,
    lines: (invoiceId) => [
      ...items.map((item) => subscriptionLine(ctx, invoiceId, item, period)),
      ...pending.map((item) => invoiceItemLine(ctx, invoiceId, item)),
    ],
  });
  return { ...preview, created: period.start, next_payment_attempt: period.start };
}

/** The subscription's items, with the prices `subscription_details[items]` swaps in (matched by `id`). */
function previewItems(ctx: OpContext, subscription: StripeObjectLike, changes: readonly ParamValue[]): StripeObjectLike[] {
  return itemsOf(ctx, subscription.id).map((item) => {
    const index = changes.findIndex((change) => typeof change === 'object' && !Array.isArray(change) && change.id === item.id);
    const change = changes[index];
    if (typeof change !== 'object' || Array.isArray(change) || change.price === undefined) return item;
    return { ...item, price: resolvePrice(ctx, change, `subscription_details[items][${index}]`) };
  });
}

function nextPeriod(subscription: StripeObjectLike, items: readonly StripeObjectLike[]): Period {
  const trialEnd = subscription.status === 'trialing' && typeof subscription.trial_end === 'number' ? subscription.trial_end : null;
  const start = trialEnd ?? Math.max(...items.map((item) => numberField(item, 'current_period_end')));
  const first = items[0];
  return periodFor(first && isJsonObject(first.price) ? first.price : {}, start);
}

/** `/v1/invoices/create_preview` (listed before `/v1/invoices/:id`, which would take it for an id). */
export const invoicePreviewRoutes: Route[] = [{ method: 'POST', path: '/v1/invoices/create_preview', handler: (ctx, { params }) => createPreview(ctx, params) }];

import type { OpContext } from '../context.js';
import type { Params, ParamValue } from '../form.js';
import { invalidRequest, missingParam, resourceMissing } from '../http-errors.js';
import { isJsonObject, type JsonObject, type StripeObjectLike } from '../json.js';
import { listObjects } from '../list.js';
import { optionalNumber, optionalString, requireString, toJson } from '../params.js';
import { findOr404, findReferenced } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';
import { createPrice, planFromPrice } from './catalog.js';

/** A subscription's billing period for one item (current API: periods live on items). */
export interface Period {
  start: number;
  end: number;
}

/** Resolves `items[i][price]` (or `price_data`) to a stored recurring price, with Stripe's errors. */
export function resolvePrice(ctx: OpContext, item: Params, param: string): StripeObjectLike {
  const priceData = item.price_data;
  const price =
    typeof priceData === 'object' && !Array.isArray(priceData)
      ? createPrice(ctx, priceData)
      : findReferenced(ctx, 'price', optionalString(item, 'price') ?? optionalString(item, 'plan') ?? '', `${param}[price]`);
  if (!isJsonObject(price.recurring)) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      { param: `${param}[price]` },
    );
  }
  return price;
}

/** A new subscription item for `price`, with its own billing period. */
export function buildItem(ctx: OpContext, subscriptionId: string, price: StripeObjectLike, item: Params, period: Period): StripeObjectLike {
  return {
    ...blank('subscription_item'),
    id: ctx.ids.next('si'),
    object: 'subscription_item',
    created: ctx.now(),
    current_period_start: period.start,
    current_period_end: period.end,
    metadata: metadataOf(item),
    plan: planFromPrice(price),
    price,
    quantity: optionalNumber(item, 'quantity') ?? 1,
    subscription: subscriptionId,
    discounts: [],
    tax_rates: [],
  };
}

/** The end of a period of `interval` × `count` starting at `start` (calendar months and years, like Stripe). */
export function addInterval(start: number, interval: string, count: number): number {
  const date = new Date(start * 1000);
  if (interval === 'day') return start + 86_400 * count;
  if (interval === 'week') return start + 7 * 86_400 * count;
  if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + count);
  else date.setUTCMonth(date.getUTCMonth() + count);
  return Math.floor(date.getTime() / 1000);
}

/** The period of a recurring price starting at `start`. */
export function periodFor(price: JsonObject, start: number): Period {
  const recurring = isJsonObject(price.recurring) ? price.recurring : {};
  const interval = typeof recurring.interval === 'string' ? recurring.interval : 'month';
  const count = typeof recurring.interval_count === 'number' ? recurring.interval_count : 1;
  return { start, end: addInterval(start, interval, count) };
}

/** The subscription's embedded `items` list, rebuilt from the stored items (Stripe embeds them all). */
export function itemsList(subscriptionId: string, items: readonly StripeObjectLike[]): JsonObject {
  return {
    object: 'list',
    data: [...items],
    has_more: false,
    total_count: items.length,
    url: `/v1/subscription_items?subscription=${subscriptionId}`,
  };
}

/** The stored items of a subscription, oldest first (Stripe's order in `items.data`). */
export function itemsOf(ctx: OpContext, subscriptionId: string): StripeObjectLike[] {
  return ctx.scope.where('subscription_item', (item) => item.subscription === subscriptionId);
}

/**
 * Applies an `items` array from a subscription update: entries with `id` change or (`deleted=true`) remove an item,
 * entries without add one. Stores the items; returns the new item list.
 */
export function applyItemChanges(ctx: OpContext, subscription: StripeObjectLike, changes: readonly ParamValue[]): StripeObjectLike[] {
  const current = itemsOf(ctx, subscription.id);
  const period = currentPeriod(current, ctx.now());
  changes.forEach((change, index) => {
    if (typeof change !== 'object' || Array.isArray(change)) return;
    const id = optionalString(change, 'id');
    if (id === undefined) {
      ctx.scope.put(buildItem(ctx, subscription.id, resolvePrice(ctx, change, `items[${index}]`), change, period));
      return;
    }
    const item = current.find((candidate) => candidate.id === id);
    if (!item) throw resourceMissing('subscription_item', id, `items[${index}][id]`, 400);
    if (change.deleted === 'true') ctx.scope.remove('subscription_item', id);
    else ctx.scope.put(updateItem(ctx, item, change, `items[${index}]`));
  });
  return itemsOf(ctx, subscription.id);
}

function updateItem(ctx: OpContext, item: StripeObjectLike, change: Params, param: string): StripeObjectLike {
  const next: StripeObjectLike = { ...item };
  if (change.price !== undefined || change.price_data !== undefined) {
    const price = resolvePrice(ctx, change, param);
    next.price = price;
    next.plan = planFromPrice(price);
  }
  const quantity = optionalNumber(change, 'quantity');
  if (quantity !== undefined) next.quantity = quantity;
  if (change.metadata !== undefined) next.metadata = { ...(isJsonObject(item.metadata) ? item.metadata : {}), ...metadataOf(change) };
  return next;
}

function metadataOf(params: Params): JsonObject {
  const metadata = params.metadata === undefined ? null : toJson('metadata', params.metadata);
  return isJsonObject(metadata) ? metadata : {};
}

function currentPeriod(items: readonly StripeObjectLike[], now: number): Period {
  const first = items[0];
  if (!first) return { start: now, end: addInterval(now, 'month', 1) };
  return { start: Number(first.current_period_start), end: Number(first.current_period_end) };
}

/** Saves the subscription with its rebuilt `items` list and records `customer.subscription.updated`. */
export function saveWithItems(ctx: OpContext, subscription: StripeObjectLike, previous: StripeObjectLike): StripeObjectLike {
  const next = { ...subscription, items: itemsList(subscription.id, itemsOf(ctx, subscription.id)) };
  return ctx.save(next, 'customer.subscription.updated', previous);
}

/** `/v1/subscription_items`: list by subscription, retrieve, create, update, delete. */
export const subscriptionItemRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/subscription_items',
    handler: (ctx, { params }) => {
      const subscription = requireString(params, 'subscription');
      return listObjects(ctx, 'subscription_item', params, '/v1/subscription_items', (item) => item.subscription === subscription);
    },
  },
  { method: 'GET', path: '/v1/subscription_items/:id', handler: (ctx, request) => findOr404(ctx, 'subscription_item', idOf(request)) },
  {
    method: 'POST',
    path: '/v1/subscription_items',
    handler: (ctx, { params }) => {
      const subscription = findReferenced(ctx, 'subscription', requireString(params, 'subscription'), 'subscription');
      const [added] = applyItemChanges(ctx, subscription, [{ ...params, id: '' }]).slice(-1);
      saveWithItems(ctx, subscription, subscription);
      if (!added) throw missingParam('price');
      return added;
    },
  },
  {
    method: 'POST',
    path: '/v1/subscription_items/:id',
    handler: (ctx, request) => {
      const item = findOr404(ctx, 'subscription_item', idOf(request));
      const subscription = findOr404(ctx, 'subscription', String(item.subscription));
      applyItemChanges(ctx, subscription, [{ ...request.params, id: item.id }]);
      saveWithItems(ctx, subscription, subscription);
      return findOr404(ctx, 'subscription_item', item.id);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/subscription_items/:id',
    handler: (ctx, request) => {
      const item = findOr404(ctx, 'subscription_item', idOf(request));
      const subscription = findOr404(ctx, 'subscription', String(item.subscription));
      applyItemChanges(ctx, subscription, [{ id: item.id, deleted: 'true' }]);
      saveWithItems(ctx, subscription, subscription);
      return { id: item.id, object: 'subscription_item', deleted: true };
    },
  },
];

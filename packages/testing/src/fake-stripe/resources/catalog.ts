import type { OpContext } from '../context.js';
import { changed } from '../event-log.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import type { JsonObject, StripeObjectLike } from '../json.js';
import { applyParams, hashParam, optionalNumber, optionalString, requireString } from '../params.js';
import { findReferenced, genericDelete, resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';
import { blank } from '../templates.js';

/** `POST /v1/products`: `name` required, optional custom `id`, `default_price_data` creates the default price. */
export function createProduct(ctx: OpContext, params: Params): StripeObjectLike {
  requireString(params, 'name');
  const id = optionalString(params, 'id') ?? ctx.ids.next('prod');
  if (ctx.scope.get('product', id)) throw invalidRequest(`Product already exists.`, { code: 'resource_already_exists', param: 'id' });
  const created = ctx.now();
  const base = { ...blank('product'), id, object: 'product', created, updated: created };
  let product: StripeObjectLike = { ...applyParams(base, params, { skip: ['id', 'default_price'] }), id, object: 'product' };
  ctx.save(product, 'product.created');
  const priceData = params.default_price_data;
  if (typeof priceData === 'object' && !Array.isArray(priceData)) {
    const price = createPrice(ctx, { ...priceData, product: id });
    product = { ...product, default_price: price.id };
    ctx.save(product);
  }
  return product;
}

/** `POST /v1/prices`: `currency` required; `product` or `product_data`; `recurring[interval]` makes it recurring. */
export function createPrice(ctx: OpContext, params: Params): StripeObjectLike {
  const currency = requireString(params, 'currency');
  const productId = optionalString(params, 'product') ?? productFromData(ctx, params);
  findReferenced(ctx, 'product', productId, 'product');
  const recurringParams = hashParam(params, 'recurring');
  const unitAmount = optionalNumber(params, 'unit_amount') ?? null;
  const recurring: JsonObject | null =
    typeof recurringParams.interval === 'string'
      ? {
          interval: recurringParams.interval,
          interval_count: Number(recurringParams.interval_count ?? 1),
          meter: null,
          trial_period_days: null,
          usage_type: typeof recurringParams.usage_type === 'string' ? recurringParams.usage_type : 'licensed',
        }
      : null;
  const base: StripeObjectLike = {
    ...blank('price'),
    id: ctx.ids.next('price', 16),
    object: 'price',
    created: ctx.now(),
    currency,
    product: productId,
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmount === null ? null : String(unitAmount),
    recurring,
    type: recurring ? 'recurring' : 'one_time',
  };
  const price = { ...applyParams(base, params, { skip: ['currency', 'product', 'recurring', 'unit_amount'] }), id: base.id, object: 'price' };
  ctx.save(price, 'price.created');
  if (recurring) ctx.save(planFromPrice(price));
  return price;
}

/** `POST /v1/plans`: the legacy shape of a recurring price; Stripe keeps both under one id. */
export function createPlan(ctx: OpContext, params: Params): StripeObjectLike {
  const interval = requireString(params, 'interval');
  const product = params.product;
  const productId =
    typeof product === 'object' && !Array.isArray(product) ? createProduct(ctx, product).id : requireString(params, 'product');
  const price = createPrice(ctx, {
    currency: requireString(params, 'currency'),
    product: productId,
    unit_amount: optionalString(params, 'amount') ?? '0',
    recurring: { interval, interval_count: optionalString(params, 'interval_count') ?? '1' },
    ...(typeof params.metadata === 'object' ? { metadata: params.metadata } : {}),
    ...(typeof params.nickname === 'string' ? { nickname: params.nickname } : {}),
  });
  const plan = ctx.scope.get('plan', price.id) ?? planFromPrice(price);
  ctx.emit('plan.created', plan);
  return plan;
}

/** The plan view of a recurring price (same id, `amount` instead of `unit_amount`). */
export function planFromPrice(price: StripeObjectLike): StripeObjectLike {
  const recurring = typeof price.recurring === 'object' && price.recurring !== null && !Array.isArray(price.recurring) ? price.recurring : {};
  return {
    ...blank('plan'),
    id: price.id,
    object: 'plan',
    active: price.active ?? true,
    amount: price.unit_amount ?? null,
    amount_decimal: price.unit_amount_decimal ?? null,
    created: price.created ?? 0,
    currency: price.currency ?? 'usd',
    interval: recurring.interval ?? 'month',
    interval_count: recurring.interval_count ?? 1,
    metadata: price.metadata ?? {},
    nickname: price.nickname ?? null,
    product: price.product ?? null,
    trial_period_days: null,
    usage_type: recurring.usage_type ?? 'licensed',
  };
}

/** `POST /v1/coupons`: `percent_off` or `amount_off` + `currency`; optional custom `id`. */
export function createCoupon(ctx: OpContext, params: Params): StripeObjectLike {
  if (params.percent_off === undefined && params.amount_off === undefined) {
    throw invalidRequest('Must provide either percent_off or amount_off.', { param: 'percent_off' });
  }
  const id = optionalString(params, 'id') ?? ctx.ids.random(8).toUpperCase();
  const base = { ...blank('coupon'), id, object: 'coupon', created: ctx.now(), times_redeemed: 0, valid: true };
  const coupon = { ...applyParams(base, params, { skip: ['id'] }), id, object: 'coupon' };
  return ctx.save(coupon, 'coupon.created');
}

/** `POST /v1/tax_rates`: `display_name`, `percentage` and `inclusive` required. */
export function createTaxRate(ctx: OpContext, params: Params): StripeObjectLike {
  requireString(params, 'display_name');
  requireString(params, 'percentage');
  requireString(params, 'inclusive');
  const base = { ...blank('tax_rate'), id: ctx.ids.next('txr', 16), object: 'tax_rate', created: ctx.now(), active: true };
  const rate: StripeObjectLike = { ...applyParams(base, params), id: base.id, object: 'tax_rate' };
  rate.effective_percentage = rate.percentage ?? null;
  return ctx.save(rate, 'tax_rate.created');
}

function productFromData(ctx: OpContext, params: Params): string {
  const data = params.product_data;
  if (typeof data !== 'object' || Array.isArray(data)) return requireString(params, 'product');
  return createProduct(ctx, data).id;
}

function updateProduct(ctx: OpContext, product: StripeObjectLike, params: Params): StripeObjectLike {
  const next = { ...applyParams(product, params, { skip: ['id'] }), id: product.id, object: 'product' };
  if (!changed(product, next)) return product;
  return ctx.save({ ...next, updated: ctx.now() }, 'product.updated', product);
}

function deleteProduct(ctx: OpContext, product: StripeObjectLike): JsonObject {
  if (ctx.scope.where('price', (price) => price.product === product.id).length > 0) {
    throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
  }
  return genericDelete(ctx, product, 'product.deleted');
}

function lookupKeys(params: Params): ((price: StripeObjectLike) => boolean) | undefined {
  const keys = params.lookup_keys;
  if (!Array.isArray(keys)) return undefined;
  return (price) => typeof price.lookup_key === 'string' && keys.includes(price.lookup_key);
}

/** Products, prices, plans, coupons and tax rates. */
export const catalogRoutes: Route[] = [
  ...resourceRoutes({ type: 'product', path: '/v1/products', create: createProduct, update: updateProduct, remove: deleteProduct, filters: ['active', 'type'] }),
  ...resourceRoutes({ type: 'price', path: '/v1/prices', create: createPrice, update: 'generic', events: { updated: 'price.updated' }, filters: ['active', 'product', 'type', 'currency'], listFilter: lookupKeys }),
  ...resourceRoutes({ type: 'plan', path: '/v1/plans', create: createPlan, update: 'generic', remove: 'generic', events: { updated: 'plan.updated', deleted: 'plan.deleted' }, filters: ['active', 'product'] }),
  ...resourceRoutes({ type: 'coupon', path: '/v1/coupons', create: createCoupon, update: 'generic', remove: 'generic', events: { updated: 'coupon.updated', deleted: 'coupon.deleted' } }),
  ...resourceRoutes({ type: 'tax_rate', path: '/v1/tax_rates', create: createTaxRate, update: 'generic', events: { updated: 'tax_rate.updated' }, filters: ['active', 'inclusive'] }),
];

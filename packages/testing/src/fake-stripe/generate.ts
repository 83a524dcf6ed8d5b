import type { OpContext } from './context.js';
import type { StripeObjectLike } from './json.js';
import { planFromPrice } from './resources/catalog.js';
import { itemsList } from './resources/subscription-items.js';
import type { AccountScope } from './store.js';
import { blank } from './templates.js';

/** Object types `fake.generate()` can make in bulk. */
export type GeneratedType = 'customer' | 'product' | 'price' | 'charge' | 'invoice' | 'subscription';

type Builder = (ctx: OpContext, index: number, created: number) => StripeObjectLike[];

/**
 * Fast synthetic objects for load tests and benchmarks: complete current shapes (from the blank templates), distinct
 * rising `created` values ending now, no events. Nested template values are shared between objects, which is safe
 * because stored objects are never mutated. 100,000 customers take well under a second.
 *
 * ```ts
 * fake.generate('customer', 100_000)
 * ```
 */
export function generateObjects(ctx: OpContext, type: GeneratedType, count: number): void {
  const build = BUILDERS[type];
  const start = ctx.now() - count;
  const objects: StripeObjectLike[] = [];
  for (let i = 0; i < count; i += 1) {
    for (const object of build(ctx, i, start + i)) objects.push(object);
  }
  ctx.scope.putMany(objects);
}

const BUILDERS: Record<GeneratedType, Builder> = {
  customer: (ctx, i, created) => [buildCustomer(ctx, i, created)],
  product: (ctx, i, created) => [buildProduct(ctx, i, created)],
  price: (ctx, i, created) => [buildPrice(ctx, i, created, someProduct(ctx))],
  charge: (ctx, i, created) => {
    const id = ctx.ids.next('ch', 16);
    const amount = 500 + (i % 100) * 100;
    return [
      {
        ...blank('charge'),
        id,
        object: 'charge',
        created,
        amount,
        amount_captured: amount,
        captured: true,
        customer: nth(ctx, 'customer', i),
        refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${id}/refunds` },
      },
    ];
  },
  invoice: (ctx, i, created) => {
    const id = ctx.ids.next('in', 16);
    const amount = 1000 + (i % 20) * 500;
    return [
      {
        ...blank('invoice'),
        id,
        object: 'invoice',
        created,
        customer: nth(ctx, 'customer', i) ?? someCustomer(ctx),
        status: 'paid',
        amount_due: amount,
        amount_paid: amount,
        subtotal: amount,
        total: amount,
        lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
        period_start: created,
        period_end: created,
      },
    ];
  },
  subscription: (ctx, i, created) => {
    const id = ctx.ids.next('sub', 16);
    const price = somePrice(ctx);
    const item: StripeObjectLike = {
      ...blank('subscription_item'),
      id: ctx.ids.next('si'),
      object: 'subscription_item',
      created,
      current_period_start: created,
      current_period_end: created + 30 * 86_400,
      plan: planFromPrice(price),
      price,
      quantity: 1,
      subscription: id,
    };
    const subscription: StripeObjectLike = {
      ...blank('subscription'),
      id,
      object: 'subscription',
      created,
      billing_cycle_anchor: created,
      start_date: created,
      customer: nth(ctx, 'customer', i) ?? someCustomer(ctx),
      status: 'active',
      items: itemsList(id, [item]),
    };
    return [subscription, item];
  },
};

function buildCustomer(ctx: OpContext, i: number, created: number): StripeObjectLike {
  const n = i + 1;
  return { ...blank('customer'), id: ctx.ids.next('cus'), object: 'customer', created, email: `customer${n}@example.com`, name: `Customer ${n}`, invoice_prefix: ctx.ids.random(8).toUpperCase() };
}

function buildProduct(ctx: OpContext, i: number, created: number): StripeObjectLike {
  return { ...blank('product'), id: ctx.ids.next('prod'), object: 'product', created, updated: created, name: `Product ${i + 1}` };
}

function buildPrice(ctx: OpContext, i: number, created: number, product: string): StripeObjectLike {
  const unitAmount = 100 * (1 + (i % 50));
  const price: StripeObjectLike = {
    ...blank('price'),
    id: ctx.ids.next('price', 16),
    object: 'price',
    created,
    product,
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
    type: 'recurring',
    recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
  };
  return price;
}

/** The i-th existing object of a type (cycling), so generated charges and invoices point at generated customers. */
function nth(ctx: OpContext, type: string, i: number): string | null {
  const all = ctx.scope.collection(type).all();
  return all.length === 0 ? null : (all[i % all.length]?.id ?? null);
}

function someCustomer(ctx: OpContext): string {
  const existing = nth(ctx, 'customer', 0);
  if (existing) return existing;
  return ctx.scope.put(buildCustomer(ctx, 0, ctx.now())).id;
}

function someProduct(ctx: OpContext): string {
  const existing = nth(ctx, 'product', 0);
  if (existing) return existing;
  return ctx.scope.put(buildProduct(ctx, 0, ctx.now())).id;
}

/** The price generated subscriptions use: remembered per account so a large batch does not rescan prices. */
const chosenPrice = new WeakMap<AccountScope, StripeObjectLike>();

function somePrice(ctx: OpContext): StripeObjectLike {
  const remembered = chosenPrice.get(ctx.scope);
  if (remembered && ctx.scope.get('price', remembered.id)) return remembered;
  const price = ctx.scope.collection('price').all().find((candidate) => candidate.type === 'recurring') ?? ctx.scope.put(buildPrice(ctx, 0, ctx.now(), someProduct(ctx)));
  chosenPrice.set(ctx.scope, price);
  return price;
}

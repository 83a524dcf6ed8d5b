import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { resourceMissing } from '../http-errors.js';
import type { JsonObject, StripeObjectLike } from '../json.js';
import { applyParams, optionalString } from '../params.js';
import { resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';
import { blank } from '../templates.js';
import { attachPaymentMethod } from './payment-methods.js';
import { cancelSubscription } from './subscriptions.js';

/**
 * `POST /v1/customers`. A `payment_method` param is attached, as Stripe does; set it as the default with
 * `invoice_settings[default_payment_method]`.
 */
export function createCustomer(ctx: OpContext, params: Params): StripeObjectLike {
  const base: StripeObjectLike = {
    ...blank('customer'),
    id: ctx.ids.next('cus'),
    object: 'customer',
    created: ctx.now(),
    invoice_prefix: ctx.ids.random(8).toUpperCase(),
  };
  const customer = ctx.save({ ...applyParams(base, params, { skip: ['payment_method'] }), id: base.id, object: 'customer' }, 'customer.created');
  const paymentMethod = optionalString(params, 'payment_method');
  if (paymentMethod) attachPaymentMethod(ctx, paymentMethod, customer.id);
  return customer;
}

/** Deleting a customer cancels its subscriptions and leaves a stub that retrieve still answers with. */
function deleteCustomer(ctx: OpContext, customer: StripeObjectLike): JsonObject {
  for (const subscription of ctx.scope.where('subscription', (s) => s.customer === customer.id && s.status !== 'canceled')) {
    cancelSubscription(ctx, subscription);
  }
  ctx.scope.remove('customer', customer.id);
  const stub: StripeObjectLike = { id: customer.id, object: 'customer', deleted: true };
  ctx.scope.tombstones.set(customer.id, stub);
  ctx.emit('customer.deleted', customer);
  return stub;
}

function retrieveCustomer(ctx: OpContext, id: string): JsonObject {
  const customer = ctx.scope.get('customer', id) ?? ctx.scope.tombstones.get(id);
  if (!customer) throw resourceMissing('customer', id);
  return customer;
}

/** Customers: CRUD, list filtered by `email`. */
export const customerRoutes: Route[] = resourceRoutes({
  type: 'customer',
  path: '/v1/customers',
  create: createCustomer,
  retrieve: retrieveCustomer,
  update: 'generic',
  events: { updated: 'customer.updated' },
  remove: deleteCustomer,
  filters: ['email'],
});

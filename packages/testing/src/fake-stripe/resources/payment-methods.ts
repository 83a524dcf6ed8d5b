import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest, resourceMissing } from '../http-errors.js';
import { isJsonObject, type JsonObject, type StripeObjectLike } from '../json.js';
import { listObjects } from '../list.js';
import { applyParams, hashParam, optionalString, requireString } from '../params.js';
import { findOr404, findReferenced, resourceRoutes } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';

/** Stripe's test payment methods and tokens (`pm_card_visa`, `tok_mastercard`) and the cards they stand for. */
const TEST_CARDS: Record<string, { brand: string; last4: string; funding: string }> = {
  visa: { brand: 'visa', last4: '4242', funding: 'credit' },
  visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  amex: { brand: 'amex', last4: '8431', funding: 'credit' },
  discover: { brand: 'discover', last4: '1117', funding: 'credit' },
};

/** Card details for a test token (`pm_card_visa`, `tok_visa`) or `undefined` when `id` is not one. */
export function testCard(id: string): { brand: string; last4: string; funding: string } | undefined {
  const match = /^(?:pm_card_|tok_)([a-z_]+)$/.exec(id);
  return match ? TEST_CARDS[match[1] ?? ''] : undefined;
}

/** `POST /v1/payment_methods`: `type` required; `card[number]` picks brand and last4. */
export function createPaymentMethod(ctx: OpContext, params: Params): StripeObjectLike {
  const type = requireString(params, 'type');
  const card = hashParam(params, 'card');
  const number = typeof card.number === 'string' ? card.number.replace(/\s/g, '') : '4242424242424242';
  const cardDetails = cardFor(ctx, brandOf(number), number.slice(-4), 'credit', card);
  return buildPaymentMethod(ctx, type, cardDetails, params);
}

/**
 * The stored payment method for `id`; Stripe's test ids (`pm_card_visa`, `tok_visa`) make a fresh one each time,
 * as Stripe does. Undefined when `id` is neither.
 */
export function resolvePaymentMethod(ctx: OpContext, id: string): StripeObjectLike | undefined {
  const test = testCard(id);
  if (!test) return ctx.scope.get('payment_method', id);
  return buildPaymentMethod(ctx, 'card', cardFor(ctx, test.brand, test.last4, test.funding, {}), {});
}

/** Attaches a payment method to a customer (`payment_method.attached`); test ids like `pm_card_visa` create one. */
export function attachPaymentMethod(ctx: OpContext, id: string, customerId: string): StripeObjectLike {
  findReferenced(ctx, 'customer', customerId, 'customer');
  const existing = resolvePaymentMethod(ctx, id);
  if (!existing) throw resourceMissing('payment_method', id);
  if (existing.customer !== null && existing.customer !== customerId) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { code: 'payment_method_unexpected_state' });
  }
  return ctx.save({ ...existing, customer: customerId }, 'payment_method.attached');
}

function detachPaymentMethod(ctx: OpContext, id: string): StripeObjectLike {
  const method = findOr404(ctx, 'payment_method', id);
  if (method.customer === null) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', {
      code: 'payment_method_unexpected_state',
    });
  }
  return ctx.save({ ...method, customer: null }, 'payment_method.detached');
}

function buildPaymentMethod(ctx: OpContext, type: string, card: JsonObject, params: Params): StripeObjectLike {
  const base: StripeObjectLike = { ...blank('payment_method'), id: ctx.ids.next('pm', 16), object: 'payment_method', created: ctx.now(), type, card, customer: null };
  const method = { ...applyParams(base, params, { skip: ['type', 'card', 'customer'] }), id: base.id, object: 'payment_method' };
  return ctx.save(method);
}

function cardFor(ctx: OpContext, brand: string, last4: string, funding: string, params: Params): JsonObject {
  const template = blank('payment_method').card;
  return {
    ...(isJsonObject(template) ? template : {}),
    brand,
    display_brand: brand,
    exp_month: Number(params.exp_month ?? 12),
    exp_year: Number(params.exp_year ?? 2034),
    fingerprint: ctx.ids.random(16),
    funding,
    last4,
    generated_from: null,
    networks: { available: [brand], preferred: null },
    wallet: null,
  };
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(number) || number.startsWith('2')) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (number.startsWith('6')) return 'discover';
  return 'unknown';
}

function customerPaymentMethods(ctx: OpContext, customerId: string, params: Params): JsonObject {
  findOr404(ctx, 'customer', customerId);
  const type = optionalString(params, 'type');
  return listObjects(ctx, 'payment_method', params, `/v1/customers/${customerId}/payment_methods`, (method) =>
    method.customer === customerId && (type === undefined || method.type === type),
  );
}

/** Payment methods, attach/detach and the customer-scoped list. */
export const paymentMethodRoutes: Route[] = [
  ...resourceRoutes({ type: 'payment_method', path: '/v1/payment_methods', create: createPaymentMethod, update: 'generic', events: { updated: 'payment_method.updated' }, filters: ['customer', 'type'] }),
  {
    method: 'POST',
    path: '/v1/payment_methods/:id/attach',
    handler: (ctx, request) => attachPaymentMethod(ctx, idOf(request), requireString(request.params, 'customer')),
  },
  { method: 'POST', path: '/v1/payment_methods/:id/detach', handler: (ctx, request) => detachPaymentMethod(ctx, idOf(request)) },
  { method: 'GET', path: '/v1/customers/:id/payment_methods', handler: (ctx, request) => customerPaymentMethods(ctx, idOf(request), request.params) },
  {
    method: 'GET',
    path: '/v1/customers/:id/payment_methods/:pm',
    handler: (ctx, request) => {
      const method = findOr404(ctx, 'payment_method', request.pathParams[1] ?? '');
      if (method.customer !== idOf(request)) throw resourceMissing('payment_method', method.id);
      return method;
    },
  },
];

import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, numberField, type JsonObject, type StripeObjectLike } from '../json.js';
import { listArray } from '../list.js';
import { applyParams, optionalBoolean, optionalNumber, optionalString, requireString } from '../params.js';
import { findOr404, findReferenced, resourceRoutes } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';
import { resolvePaymentMethod, testCard } from './payment-methods.js';

/** What a successful payment needs; shared by `POST /v1/charges`, payment intents and invoice payments. */
export interface ChargeInput {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  paymentIntent?: string | null;
  description?: string | null;
  capture?: boolean;
  params?: Params;
}

/** Creates a succeeded charge (`charge.succeeded`) paid with the given or the customer's default payment method. */
export function createChargeRecord(ctx: OpContext, input: ChargeInput): StripeObjectLike {
  const given = input.paymentMethod ?? defaultPaymentMethod(ctx, input.customer);
  const paymentMethodId = given === null ? null : (resolvePaymentMethod(ctx, given)?.id ?? given);
  const captured = input.capture ?? true;
  const id = ctx.ids.next('ch', 16);
  const base: StripeObjectLike = {
    ...blank('charge'),
    id,
    object: 'charge',
    created: ctx.now(),
    amount: input.amount,
    amount_captured: captured ? input.amount : 0,
    balance_transaction: captured ? ctx.ids.next('txn', 16) : null,
    captured,
    currency: input.currency,
    customer: input.customer,
    description: input.description ?? null,
    payment_intent: input.paymentIntent ?? null,
    payment_method: paymentMethodId,
    payment_method_details: paymentMethodDetails(ctx, paymentMethodId, input.amount),
    receipt_url: `https://pay.stripe.com/receipts/payment/${ctx.ids.random(40)}`,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${id}/refunds` },
  };
  const charge = { ...applyParams(base, input.params ?? {}, { skip: ['amount', 'currency', 'customer', 'capture', 'source', 'payment_method'] }), id, object: 'charge' };
  return ctx.save(charge, 'charge.succeeded');
}

/** The customer's `invoice_settings.default_payment_method`, else its newest attached payment method. */
export function defaultPaymentMethod(ctx: OpContext, customerId: string | null): string | null {
  if (customerId === null) return null;
  const customer = ctx.scope.get('customer', customerId);
  const settings = customer?.invoice_settings;
  if (isJsonObject(settings) && typeof settings.default_payment_method === 'string') return settings.default_payment_method;
  const attached = ctx.scope.where('payment_method', (method) => method.customer === customerId);
  return attached[attached.length - 1]?.id ?? null;
}

function paymentMethodDetails(ctx: OpContext, paymentMethodId: string | null, amount: number): JsonObject {
  const template = blank('charge').payment_method_details;
  const details = isJsonObject(template) && isJsonObject(template.card) ? template.card : {};
  const method = paymentMethodId === null ? undefined : ctx.scope.get('payment_method', paymentMethodId);
  const card: JsonObject = method && isJsonObject(method.card) ? method.card : { ...(testCard(paymentMethodId ?? '') ?? testCard('tok_visa')) };
  return {
    card: {
      ...details,
      brand: card.brand ?? 'visa',
      exp_month: card.exp_month ?? 12,
      exp_year: card.exp_year ?? 2034,
      fingerprint: card.fingerprint ?? ctx.ids.random(16),
      funding: card.funding ?? 'credit',
      last4: card.last4 ?? '4242',
      network: card.brand ?? 'visa',
      overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
      wallet: null,
    },
    type: 'card',
  };
}

function createCharge(ctx: OpContext, params: Params): StripeObjectLike {
  const amount = optionalNumber(params, 'amount');
  if (amount === undefined) requireString(params, 'amount');
  const customer = optionalString(params, 'customer') ?? null;
  if (customer !== null) findReferenced(ctx, 'customer', customer, 'customer');
  const source = optionalString(params, 'source') ?? optionalString(params, 'payment_method') ?? null;
  if (customer === null && source === null) {
    throw invalidRequest('Must provide source or customer.', { code: 'parameter_missing', param: 'source' });
  }
  return createChargeRecord(ctx, {
    amount: amount ?? 0,
    currency: requireString(params, 'currency'),
    customer,
    paymentMethod: source,
    capture: optionalBoolean(params, 'capture') ?? true,
    params,
  });
}

function captureCharge(ctx: OpContext, charge: StripeObjectLike, params: Params): StripeObjectLike {
  if (charge.captured === true) throw invalidRequest(`Charge ${charge.id} has already been captured.`, { code: 'charge_already_captured' });
  const amount = optionalNumber(params, 'amount') ?? numberField(charge, 'amount');
  const next = { ...charge, captured: true, amount_captured: amount, balance_transaction: ctx.ids.next('txn', 16) };
  return ctx.save(next, 'charge.captured', charge);
}

/** Charges: create, retrieve, update, list (by customer / payment intent), capture, embedded refunds list. */
export const chargeRoutes: Route[] = [
  ...resourceRoutes({ type: 'charge', path: '/v1/charges', create: createCharge, update: 'generic', events: { updated: 'charge.updated' }, filters: ['customer', 'payment_intent'] }),
  { method: 'POST', path: '/v1/charges/:id/capture', handler: (ctx, request) => captureCharge(ctx, findOr404(ctx, 'charge', idOf(request)), request.params) },
  {
    method: 'GET',
    path: '/v1/charges/:id/refunds',
    handler: (ctx, request) => {
      const charge = findOr404(ctx, 'charge', idOf(request));
      const refunds = ctx.scope.where('refund', (refund) => refund.charge === charge.id).reverse();
      return listArray(refunds, request.params, `/v1/charges/${charge.id}/refunds`);
    },
  },
];

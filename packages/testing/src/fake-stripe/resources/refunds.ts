import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest, missingParam } from '../http-errors.js';
import { isJsonObject, numberField, stringField, type StripeObjectLike } from '../json.js';
import { applyParams, optionalNumber, optionalString } from '../params.js';
import { findReferenced, resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';
import { blank } from '../templates.js';

/**
 * `POST /v1/refunds` with `charge` (or `payment_intent`) and optional `amount` (default: what is left). Updates the
 * charge's `amount_refunded`, `refunded` and embedded `refunds` list and records `refund.created` + `charge.refunded`.
 */
export function createRefund(ctx: OpContext, params: Params): StripeObjectLike {
  const charge = chargeToRefund(ctx, params);
  const remaining = numberField(charge, 'amount_captured') - numberField(charge, 'amount_refunded');
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = optionalNumber(params, 'amount') ?? remaining;
  if (amount > remaining || amount <= 0) {
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const base: StripeObjectLike = {
    ...blank('refund'),
    id: ctx.ids.next('re', 16),
    object: 'refund',
    created: ctx.now(),
    amount,
    balance_transaction: ctx.ids.next('txn', 16),
    charge: charge.id,
    currency: stringField(charge, 'currency') ?? 'usd',
    payment_intent: charge.payment_intent ?? null,
    payment_method: charge.payment_method ?? null,
    customer: charge.customer ?? null,
    status: 'succeeded',
  };
  const refund = ctx.save({ ...applyParams(base, params, { skip: ['amount', 'charge', 'payment_intent'] }), id: base.id, object: 'refund' }, 'refund.created');
  const refunded = numberField(charge, 'amount_refunded') + amount;
  const list = isJsonObject(charge.refunds) ? charge.refunds : { object: 'list', data: [], has_more: false, url: `/v1/charges/${charge.id}/refunds` };
  const data = Array.isArray(list.data) ? list.data : [];
  const next: StripeObjectLike = {
    ...charge,
    amount_refunded: refunded,
    refunded: refunded === numberField(charge, 'amount'),
    refunds: { ...list, data: [refund, ...data], total_count: data.length + 1 },
  };
  ctx.save(next, 'charge.refunded', charge);
  return refund;
}

function chargeToRefund(ctx: OpContext, params: Params): StripeObjectLike {
  const chargeId = optionalString(params, 'charge');
  if (chargeId) return findReferenced(ctx, 'charge', chargeId, 'charge');
  const intentId = optionalString(params, 'payment_intent');
  if (!intentId) throw missingParam('charge');
  const intent = findReferenced(ctx, 'payment_intent', intentId, 'payment_intent');
  const latest = stringField(intent, 'latest_charge');
  if (!latest) throw invalidRequest(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, { code: 'charge_not_refundable' });
  return findReferenced(ctx, 'charge', latest, 'payment_intent');
}

/** Refunds: create, retrieve, update (metadata), list by charge / payment intent. */
export const refundRoutes: Route[] = resourceRoutes({
  type: 'refund',
  path: '/v1/refunds',
  create: createRefund,
  update: 'generic',
  events: { updated: 'refund.updated' },
  filters: ['charge', 'payment_intent'],
});

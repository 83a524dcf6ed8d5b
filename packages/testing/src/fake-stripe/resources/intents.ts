import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { numberField, stringField, type StripeObjectLike } from '../json.js';
import { applyParams, optionalBoolean, optionalString, requireString } from '../params.js';
import { findOr404, findReferenced, resourceRoutes } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';
import { createChargeRecord } from './charges.js';
import { attachPaymentMethod } from './payment-methods.js';

const INTENT_SKIP = ['amount', 'currency', 'customer', 'confirm', 'payment_method', 'status'];

/**
 * `POST /v1/payment_intents`: `amount` and `currency` required. Status follows Stripe's machine:
 * `requires_payment_method` -> `requires_confirmation` (payment method given) -> `succeeded` on confirm (a charge is
 * created, `latest_charge` set), or `requires_capture` with `capture_method=manual`.
 */
function createPaymentIntent(ctx: OpContext, params: Params): StripeObjectLike {
  requireString(params, 'amount');
  const customer = optionalString(params, 'customer') ?? null;
  if (customer !== null) findReferenced(ctx, 'customer', customer, 'customer');
  const id = ctx.ids.next('pi', 16);
  const paymentMethod = optionalString(params, 'payment_method') ?? null;
  const base: StripeObjectLike = {
    ...blank('payment_intent'),
    id,
    object: 'payment_intent',
    created: ctx.now(),
    amount: Number(params.amount),
    client_secret: `${id}_secret_${ctx.ids.random(24)}`,
    currency: requireString(params, 'currency'),
    customer,
    payment_method: paymentMethod,
    status: paymentMethod === null ? 'requires_payment_method' : 'requires_confirmation',
  };
  const intent = ctx.save({ ...applyParams(base, params, { skip: INTENT_SKIP }), id, object: 'payment_intent' }, 'payment_intent.created');
  return optionalBoolean(params, 'confirm') === true ? confirmPaymentIntent(ctx, intent, {}) : intent;
}

function confirmPaymentIntent(ctx: OpContext, intent: StripeObjectLike, params: Params): StripeObjectLike {
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(String(intent.status))) {
    throw invalidRequest(`You cannot confirm this PaymentIntent because it has a status of ${String(intent.status)}.`, {
      code: 'payment_intent_unexpected_state',
    });
  }
  const paymentMethod = optionalString(params, 'payment_method') ?? stringField(intent, 'payment_method');
  if (paymentMethod === null) {
    throw invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method.', { code: 'payment_intent_unexpected_state' });
  }
  const manual = intent.capture_method === 'manual';
  const charge = createChargeRecord(ctx, {
    amount: numberField(intent, 'amount'),
    currency: stringField(intent, 'currency') ?? 'usd',
    customer: stringField(intent, 'customer'),
    paymentMethod,
    paymentIntent: intent.id,
    capture: !manual,
    description: stringField(intent, 'description'),
  });
  const next: StripeObjectLike = {
    ...intent,
    payment_method: paymentMethod,
    latest_charge: charge.id,
    status: manual ? 'requires_capture' : 'succeeded',
    amount_received: manual ? 0 : numberField(intent, 'amount'),
    amount_capturable: manual ? numberField(intent, 'amount') : 0,
  };
  return ctx.save(next, manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded', intent);
}

function capturePaymentIntent(ctx: OpContext, intent: StripeObjectLike): StripeObjectLike {
  if (intent.status !== 'requires_capture') {
    throw invalidRequest(`This PaymentIntent could not be captured because it has a status of ${String(intent.status)}.`, { code: 'payment_intent_unexpected_state' });
  }
  const charge = ctx.scope.get('charge', String(intent.latest_charge));
  if (charge) ctx.save({ ...charge, captured: true, amount_captured: charge.amount ?? 0 }, 'charge.captured', charge);
  const next = { ...intent, status: 'succeeded', amount_received: intent.amount ?? 0, amount_capturable: 0 };
  return ctx.save(next, 'payment_intent.succeeded', intent);
}

function cancelIntent(ctx: OpContext, intent: StripeObjectLike, params: Params, event: 'payment_intent.canceled' | 'setup_intent.canceled'): StripeObjectLike {
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw invalidRequest(`You cannot cancel this ${intent.object === 'setup_intent' ? 'SetupIntent' : 'PaymentIntent'} because it has a status of ${String(intent.status)}.`, {
      code: `${String(intent.object)}_unexpected_state`,
    });
  }
  const reason = optionalString(params, 'cancellation_reason') ?? 'requested_by_customer';
  const next: StripeObjectLike = { ...intent, status: 'canceled', cancellation_reason: reason };
  if ('canceled_at' in intent) next.canceled_at = ctx.now();
  return ctx.save(next, event, intent);
}

/** `POST /v1/setup_intents`: saves a payment method for later; on success it is attached to the customer. */
function createSetupIntent(ctx: OpContext, params: Params): StripeObjectLike {
  const customer = optionalString(params, 'customer') ?? null;
  if (customer !== null) findReferenced(ctx, 'customer', customer, 'customer');
  const id = ctx.ids.next('seti', 16);
  const paymentMethod = optionalString(params, 'payment_method') ?? null;
  const base: StripeObjectLike = {
    ...blank('setup_intent'),
    id,
    object: 'setup_intent',
    created: ctx.now(),
    client_secret: `${id}_secret_${ctx.ids.random(24)}`,
    customer,
    payment_method: paymentMethod,
    status: paymentMethod === null ? 'requires_payment_method' : 'requires_confirmation',
  };
  const intent = ctx.save({ ...applyParams(base, params, { skip: INTENT_SKIP }), id, object: 'setup_intent' }, 'setup_intent.created');
  return optionalBoolean(params, 'confirm') === true ? confirmSetupIntent(ctx, intent, {}) : intent;
}

function confirmSetupIntent(ctx: OpContext, intent: StripeObjectLike, params: Params): StripeObjectLike {
  const given = optionalString(params, 'payment_method') ?? stringField(intent, 'payment_method');
  if (given === null) throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", { code: 'setup_intent_unexpected_state' });
  const customer = stringField(intent, 'customer');
  const paymentMethod = customer === null ? given : attachPaymentMethod(ctx, given, customer).id;
  return ctx.save({ ...intent, payment_method: paymentMethod, status: 'succeeded' }, 'setup_intent.succeeded', intent);
}

function action(type: string, path: string, run: (ctx: OpContext, intent: StripeObjectLike, params: Params) => StripeObjectLike): Route {
  return { method: 'POST', path, handler: (ctx, request) => run(ctx, findOr404(ctx, type, idOf(request)), request.params) };
}

/** Payment intents and setup intents: CRUD, confirm, capture, cancel. */
export const intentRoutes: Route[] = [
  ...resourceRoutes({ type: 'payment_intent', path: '/v1/payment_intents', create: createPaymentIntent, update: 'generic', filters: ['customer'] }),
  action('payment_intent', '/v1/payment_intents/:id/confirm', confirmPaymentIntent),
  action('payment_intent', '/v1/payment_intents/:id/capture', (ctx, intent) => capturePaymentIntent(ctx, intent)),
  action('payment_intent', '/v1/payment_intents/:id/cancel', (ctx, intent, params) => cancelIntent(ctx, intent, params, 'payment_intent.canceled')),
  ...resourceRoutes({ type: 'setup_intent', path: '/v1/setup_intents', create: createSetupIntent, update: 'generic', filters: ['customer', 'payment_method'] }),
  action('setup_intent', '/v1/setup_intents/:id/confirm', confirmSetupIntent),
  action('setup_intent', '/v1/setup_intents/:id/cancel', (ctx, intent, params) => cancelIntent(ctx, intent, params, 'setup_intent.canceled')),
];

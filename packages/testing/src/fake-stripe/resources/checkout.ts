import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import type { StripeObjectLike } from '../json.js';
import { applyParams, optionalString, requireString } from '../params.js';
import { findOr404, findReferenced, resourceRoutes } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';

/** `POST /v1/checkout/sessions`: an open session (`mode` required) that expires in 24 hours; nothing is charged. */
function createSession(ctx: OpContext, params: Params): StripeObjectLike {
  const mode = requireString(params, 'mode');
  const customer = optionalString(params, 'customer') ?? null;
  if (customer !== null) findReferenced(ctx, 'customer', customer, 'customer');
  const id = `cs_test_${ctx.ids.next('a1', 54).slice(3)}`;
  const now = ctx.now();
  const base: StripeObjectLike = {
    ...blank('checkout.session'),
    id,
    object: 'checkout.session',
    created: now,
    customer,
    expires_at: now + 86_400,
    mode,
    status: 'open',
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
  return ctx.save({ ...applyParams(base, params, { skip: ['mode', 'customer', 'line_items'] }), id, object: 'checkout.session' });
}

function expireSession(ctx: OpContext, session: StripeObjectLike): StripeObjectLike {
  if (session.status !== 'open') throw invalidRequest(`Only Checkout Sessions with a status of open can be expired.`, { code: 'checkout_session_unexpected_state' });
  return ctx.save({ ...session, status: 'expired', url: null }, 'checkout.session.expired', session);
}

/** Checkout sessions: create, retrieve, list (by customer, payment intent, subscription, status), expire. */
export const checkoutRoutes: Route[] = [
  ...resourceRoutes({
    type: 'checkout.session',
    path: '/v1/checkout/sessions',
    create: createSession,
    update: 'generic',
    filters: ['customer', 'payment_intent', 'subscription', 'status'],
  }),
  { method: 'POST', path: '/v1/checkout/sessions/:id/expire', handler: (ctx, request) => expireSession(ctx, findOr404(ctx, 'checkout.session', idOf(request))) },
];

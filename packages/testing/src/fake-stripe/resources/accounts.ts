import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import type { IdFactory } from '../ids.js';
import type { JsonObject, StripeObjectLike } from '../json.js';
import { applyParams, optionalString } from '../params.js';
import { findOr404, resourceRoutes } from '../resource.js';
import { changed } from '../event-log.js';
import type { Route } from '../router.js';
import type { Store } from '../store.js';
import { blank } from '../templates.js';

/** A Stripe account object: the platform (`standard`) or a Connect account. */
export function buildAccount(id: string, created: number, fields: JsonObject = {}): StripeObjectLike {
  return {
    ...blank('account'),
    id,
    object: 'account',
    created,
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/accounts/${id}/external_accounts` },
    ...fields,
  };
}

/**
 * Makes sure a Connect account exists on the platform (`insert()`/`generate()` with `stripeAccount` call this), so
 * requests with that `Stripe-Account` header are accepted.
 */
export function ensureConnectedAccount(store: Store, id: string, created: number): StripeObjectLike {
  const existing = store.platform.get('account', id);
  if (existing) return existing;
  return store.platform.put(buildAccount(id, created, { type: 'express', email: null, controller: { type: 'application', is_controller: true } }));
}

/** `POST /v1/accounts`: a new Connect account (no event: Stripe sends none for creation). */
function createAccount(ctx: OpContext, params: Params): StripeObjectLike {
  const id = nextAccountId(ctx.ids);
  const base = buildAccount(id, ctx.now(), { type: optionalString(params, 'type') ?? 'custom', email: null, business_type: null });
  const account = { ...applyParams(base, params, { skip: ['type'] }), id, object: 'account' };
  return ctx.inAccount(null).save(account);
}

/** Account updates are recorded in the updated account's own event stream, with `account` set, as Connect webhooks are. */
function updateAccount(ctx: OpContext, account: StripeObjectLike, params: Params): StripeObjectLike {
  const next: StripeObjectLike = { ...applyParams(account, params, { skip: ['type'] }), id: account.id, object: 'account' };
  if (!changed(account, next)) return account;
  ctx.store.platform.put(next);
  ctx.inAccount(account.id).emit('account.updated', next, account);
  return next;
}

function deleteAccount(ctx: OpContext, account: StripeObjectLike): JsonObject {
  ctx.store.platform.remove('account', account.id);
  return { id: account.id, object: 'account', deleted: true };
}

/** A 16-character account id like Stripe's `acct_1PgafTB7WZ01zgkW`. */
export function nextAccountId(ids: IdFactory): string {
  return ids.next('acct', 10);
}

/** `GET /v1/account` (the account the request acts as) and the Connect `/v1/accounts` resource of the platform. */
export const accountRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/account',
    handler: (ctx) => (ctx.scope.account === null ? ctx.store.platformAccount : findOr404(ctx.inAccount(null), 'account', ctx.scope.account)),
  },
  ...resourceRoutes({
    type: 'account',
    path: '/v1/accounts',
    create: createAccount,
    retrieve: (ctx, id) => findOr404(ctx.inAccount(null), 'account', id),
    update: updateAccount,
    remove: deleteAccount,
  }),
];

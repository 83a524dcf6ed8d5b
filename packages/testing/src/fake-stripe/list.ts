import type { CreatedRange } from './collection.js';
import type { OpContext } from './context.js';
import type { Params } from './form.js';
import { invalidRequest, resourceMissing } from './http-errors.js';
import type { JsonObject, StripeObjectLike } from './json.js';

/**
 * A Stripe list response for one collection: `{ object: 'list', data, has_more, url }`, newest first, with `limit`
 * (1..100, default 10), `starting_after` / `ending_before` cursors and `created` bounds (`created=…` or
 * `created[gt|gte|lt|lte]=…`).
 *
 * ```ts
 * listObjects(ctx, 'customer', request.params, '/v1/customers', (c) => c.email === email)
 * ```
 */
export function listObjects(
  ctx: OpContext,
  type: string,
  params: Params,
  url: string,
  filter?: (object: StripeObjectLike) => boolean,
): JsonObject {
  const collection = ctx.scope.collection(type);
  const startingAfter = cursor(params, 'starting_after');
  const endingBefore = cursor(params, 'ending_before');
  for (const [param, id] of [['starting_after', startingAfter], ['ending_before', endingBefore]] as const) {
    if (id !== undefined && !collection.has(id)) throw resourceMissing(type, id, param, 400);
  }
  const created = createdRange(params);
  const page = collection.page({
    limit: parseLimit(params),
    ...(startingAfter === undefined ? {} : { startingAfter }),
    ...(endingBefore === undefined ? {} : { endingBefore }),
    ...(created === undefined ? {} : { created }),
    ...(filter === undefined ? {} : { filter }),
  });
  return { object: 'list', data: page.data, has_more: page.hasMore, url };
}

/** A list response over an in-memory array (embedded lists such as invoice lines), newest-first order kept as given. */
export function listArray(items: readonly StripeObjectLike[], params: Params, url: string): JsonObject {
  const limit = parseLimit(params);
  const after = cursor(params, 'starting_after');
  const before = cursor(params, 'ending_before');
  let start = 0;
  let end = items.length;
  if (after !== undefined) start = items.findIndex((item) => item.id === after) + 1;
  if (before !== undefined) {
    end = Math.max(items.findIndex((item) => item.id === before), 0);
    start = Math.max(end - limit, 0);
  }
  const data = items.slice(start, Math.min(start + limit, end));
  const hasMore = before !== undefined ? start > 0 : start + limit < end;
  return { object: 'list', data, has_more: hasMore, url };
}

function parseLimit(params: Params): number {
  const raw = params.limit;
  if (raw === undefined || raw === '') return 10;
  const limit = typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', { param: 'limit' });
  }
  return limit;
}

function cursor(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function createdRange(params: Params): CreatedRange | undefined {
  const created = params.created;
  if (created === undefined) return undefined;
  if (typeof created === 'string') return { gte: integer(created), lte: integer(created) };
  if (Array.isArray(created)) throw invalidRequest('Invalid created: must be an integer or a hash', { param: 'created' });
  const range: CreatedRange = {};
  if (typeof created.gte === 'string') range.gte = integer(created.gte);
  if (typeof created.gt === 'string') range.gte = integer(created.gt) + 1;
  if (typeof created.lte === 'string') range.lte = integer(created.lte);
  if (typeof created.lt === 'string') range.lte = integer(created.lt) - 1;
  return range;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw invalidRequest(`Invalid integer: ${value}`, { param: 'created' });
  return parsed;
}

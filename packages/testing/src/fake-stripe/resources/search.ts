import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, type Json, type JsonObject, type StripeObjectLike } from '../json.js';
import { requireString } from '../params.js';
import type { Route } from '../router.js';

/** Resources with a `/search` endpoint, as in Stripe's API. */
const SEARCHABLE: Record<string, string> = {
  '/v1/charges': 'charge',
  '/v1/customers': 'customer',
  '/v1/invoices': 'invoice',
  '/v1/payment_intents': 'payment_intent',
  '/v1/prices': 'price',
  '/v1/products': 'product',
  '/v1/subscriptions': 'subscription',
};

type Clause = (object: StripeObjectLike) => boolean;

/**
 * Stripe's search query language, the part tests use: `field:'value'` (exact), `field~'value'` (substring),
 * `metadata['key']:'value'`, numeric `created>=…`/`<`/`>`/`<=`, `-` to negate, clauses joined by `AND` or `OR`.
 *
 * ```ts
 * parseQuery("email:'ada@example.com' AND metadata['user_id']:'42'")
 * ```
 */
export function parseQuery(query: string): Clause {
  const conjunction = / OR /i.test(query) ? 'or' : 'and';
  if (/ OR /i.test(query) && / AND /i.test(query)) throw invalidRequest('Search queries cannot mix AND and OR.', { param: 'query' });
  const clauses = query.split(/ (?:AND|OR) /i).map((text) => parseClause(text.trim()));
  return conjunction === 'or' ? (object) => clauses.some((clause) => clause(object)) : (object) => clauses.every((clause) => clause(object));
}

function parseClause(text: string): Clause {
  const match = /^(-)?(metadata\[['"]([^'"]+)['"]\]|[a-z_.]+)(:|~|>=|<=|>|<)(?:'([^']*)'|"([^"]*)"|(-?\d+))$/.exec(text);
  if (!match) throw invalidRequest(`Invalid search query clause: ${text}`, { param: 'query' });
  const [, negate, field = '', metadataKey, operator = ':', single, double, number] = match;
  const wanted = single ?? double ?? number ?? '';
  const read = (object: StripeObjectLike): Json | undefined =>
    metadataKey !== undefined ? (isJsonObject(object.metadata) ? object.metadata[metadataKey] : undefined) : valueAt(object, field);
  const test = (value: Json | undefined): boolean => {
    if (value === undefined || value === null) return false;
    if (operator === ':') return String(value) === wanted;
    if (operator === '~') return String(value).toLowerCase().includes(wanted.toLowerCase());
    const left = Number(value);
    const right = Number(wanted);
    return operator === '>' ? left > right : operator === '<' ? left < right : operator === '>=' ? left >= right : left <= right;
  };
  return negate ? (object) => !test(read(object)) : (object) => test(read(object));
}

function valueAt(object: JsonObject, path: string): Json | undefined {
  let value: Json | undefined = object;
  for (const segment of path.split('.')) value = isJsonObject(value) ? value[segment] : undefined;
  return value;
}

function search(ctx: OpContext, type: string, path: string, params: Params): JsonObject {
  const matches = parseQuery(requireString(params, 'query'));
  const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
  const offset = typeof params.page === 'string' && params.page !== '' ? Number(Buffer.from(params.page, 'base64url').toString('utf8')) : 0;
  const all = ctx.scope.collection(type).all().filter(matches).reverse();
  const data = all.slice(offset, offset + limit);
  const hasMore = offset + limit < all.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit), 'utf8').toString('base64url') : null,
    url: `${path}/search`,
  };
}

/** `GET /v1/<resource>/search` for every searchable resource. */
export const searchRoutes: Route[] = Object.entries(SEARCHABLE).map(([path, type]) => ({
  method: 'GET',
  path: `${path}/search`,
  handler: (ctx, { params }) => search(ctx, type, path, params),
}));

import type { Json, JsonObject } from './json.js';
import type { AccountScope } from './store.js';

/** How deep `expand[]` may go, as in Stripe (`data.customer.default_source`: 4 levels). */
const MAX_DEPTH = 4;

/**
 * Replaces id strings at the `expand[]` paths (`customer`, `data.customer`, `latest_invoice.payment_intent`) with the
 * stored objects of the same account. Works on a copy: stored objects stay untouched. Ids the fake does not hold
 * (balance transactions, say) stay strings.
 *
 * ```ts
 * expandPaths(scope, subscription, ['customer', 'latest_invoice'])
 * ```
 */
export function expandPaths(scope: AccountScope, body: JsonObject, paths: readonly string[]): JsonObject {
  let out: JsonObject = body;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) continue;
    out = expandAt(scope, out, segments) as JsonObject;
  }
  return out;
}

function expandAt(scope: AccountScope, value: Json, segments: readonly string[]): Json {
  if (Array.isArray(value)) return value.map((item) => expandAt(scope, item, segments));
  if (typeof value !== 'object' || value === null) return value;
  const [head, ...rest] = segments;
  if (head === undefined || !(head in value)) return value;
  const child: Json = value[head] ?? null;
  if (rest.length === 0) {
    if (typeof child === 'string') return { ...value, [head]: scope.find(child) ?? child };
    return value;
  }
  const target: Json = typeof child === 'string' ? (scope.find(child) ?? child) : child;
  return { ...value, [head]: expandAt(scope, target, rest) };
}

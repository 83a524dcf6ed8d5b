import type { Params } from '../form.js';
import type { StripeObjectLike } from '../json.js';
import { optionalString } from '../params.js';
import { resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';

/** `type=customer.*` matches every customer event, as Stripe's wildcard does; `types[]` takes a list. */
function eventFilter(params: Params): ((event: StripeObjectLike) => boolean) | undefined {
  const type = optionalString(params, 'type');
  const types = Array.isArray(params.types) ? params.types.filter((t): t is string => typeof t === 'string') : undefined;
  if (type === undefined && types === undefined) return undefined;
  const patterns = (types ?? [type ?? '']).map((pattern) => (pattern.endsWith('*') ? pattern.slice(0, -1) : pattern));
  const wildcard = (types ?? [type ?? '']).map((pattern) => pattern.endsWith('*'));
  return (event) => patterns.some((pattern, i) => (wildcard[i] ? String(event.type).startsWith(pattern) : event.type === pattern));
}

/** `GET /v1/events` (filters `type`, `types[]`, `created`) and `GET /v1/events/:id`. */
export const eventRoutes: Route[] = resourceRoutes({ type: 'event', path: '/v1/events', listFilter: eventFilter });

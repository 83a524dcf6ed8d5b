import type { OpContext } from './context.js';
import { changed, type EventType } from './event-log.js';
import type { Params } from './form.js';
import { resourceMissing } from './http-errors.js';
import type { JsonObject, StripeObjectLike } from './json.js';
import { listObjects } from './list.js';
import { applyParams } from './params.js';
import { idOf, type Route } from './router.js';

/**
 * One Stripe resource described as data: its object type, URL and the operations that differ from the generic ones.
 * `resourceRoutes` turns it into the five REST routes, so adding a resource is one spec, not five handlers.
 *
 * ```ts
 * resourceRoutes({ type: 'tax_rate', path: '/v1/tax_rates', create: createTaxRate, update: 'generic', filters: ['active'] })
 * ```
 */
export interface ResourceSpec {
  type: string;
  path: string;
  /** Events of the generic update and delete (`'generic'` above); none when Stripe sends none. */
  events?: { updated?: EventType; deleted?: EventType };
  create?: (ctx: OpContext, params: Params) => StripeObjectLike;
  /** Retrieval when it is more than a lookup (deleted customers answer with a `deleted: true` stub). */
  retrieve?: (ctx: OpContext, id: string) => JsonObject;
  update?: 'generic' | ((ctx: OpContext, object: StripeObjectLike, params: Params) => StripeObjectLike);
  remove?: 'generic' | ((ctx: OpContext, object: StripeObjectLike, params: Params) => JsonObject);
  /** Top-level fields a list can be filtered by with an equal param (`?customer=cus_…`). */
  filters?: readonly string[];
  /** Extra list filtering (defaults, derived fields). */
  listFilter?: (params: Params) => ((object: StripeObjectLike) => boolean) | undefined;
  list?: false;
}

export function resourceRoutes(spec: ResourceSpec): Route[] {
  const retrieve = spec.retrieve ?? ((ctx: OpContext, id: string) => findOr404(ctx, spec.type, id));
  const routes: Route[] = [{ method: 'GET', path: `${spec.path}/:id`, handler: (ctx, request) => retrieve(ctx, idOf(request)) }];
  if (spec.list !== false) {
    routes.push({
      method: 'GET',
      path: spec.path,
      handler: (ctx, { params }) => listObjects(ctx, spec.type, params, spec.path, listFilter(spec, params)),
    });
  }
  const create = spec.create;
  if (create) routes.push({ method: 'POST', path: spec.path, handler: (ctx, { params }) => create(ctx, params) });
  const update = spec.update;
  if (update) {
    routes.push({
      method: 'POST',
      path: `${spec.path}/:id`,
      handler: (ctx, request) => {
        const object = findOr404(ctx, spec.type, idOf(request));
        return update === 'generic' ? genericUpdate(ctx, object, request.params, spec.events?.updated ?? null) : update(ctx, object, request.params);
      },
    });
  }
  const remove = spec.remove;
  if (remove) {
    routes.push({
      method: 'DELETE',
      path: `${spec.path}/:id`,
      handler: (ctx, request) => {
        const object = findOr404(ctx, spec.type, idOf(request));
        return remove === 'generic' ? genericDelete(ctx, object, spec.events?.deleted ?? null) : remove(ctx, object, request.params);
      },
    });
  }
  return routes;
}

/** The object, or Stripe's 404 `resource_missing`. */
export function findOr404(ctx: OpContext, type: string, id: string): StripeObjectLike {
  const object = ctx.scope.get(type, id);
  if (!object) throw resourceMissing(type, id);
  return object;
}

/** An object referenced by a param (`customer=cus_…`): missing is a 400 naming the param, as Stripe answers. */
export function findReferenced(ctx: OpContext, type: string, id: string, param: string): StripeObjectLike {
  const object = ctx.scope.get(type, id);
  if (!object) throw resourceMissing(type, id, param, 400);
  return object;
}

/** Applies params to the object's own fields and records `event` (an `*.updated`) when something changed. */
export function genericUpdate(ctx: OpContext, object: StripeObjectLike, params: Params, event: EventType | null): StripeObjectLike {
  const next = { ...applyParams(object, params), id: object.id, object: object.object };
  if (!changed(object, next)) return object;
  return event === null ? ctx.save(next) : ctx.save(next, event, object);
}

/** Removes the object, records `event` (an `*.deleted`) and answers `{ id, object, deleted: true }`. */
export function genericDelete(ctx: OpContext, object: StripeObjectLike, event: EventType | null): JsonObject {
  ctx.scope.remove(object.object, object.id);
  if (event !== null) ctx.emit(event, object);
  return { id: object.id, object: object.object, deleted: true };
}

function listFilter(spec: ResourceSpec, params: Params): ((object: StripeObjectLike) => boolean) | undefined {
  const checks: ((object: StripeObjectLike) => boolean)[] = [];
  for (const field of spec.filters ?? []) {
    const wanted = params[field];
    if (typeof wanted !== 'string' || wanted === '') continue;
    checks.push((object) => String(object[field]) === wanted);
  }
  const extra = spec.listFilter?.(params);
  if (extra) checks.push(extra);
  if (checks.length === 0) return undefined;
  return (object) => checks.every((check) => check(object));
}

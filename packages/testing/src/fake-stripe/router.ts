import type { OpContext } from './context.js';
import type { Params } from './form.js';
import type { JsonObject } from './json.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One matched request: merged query/body params and the `:id`-style path segments in order. */
export interface RouteRequest {
  params: Params;
  pathParams: string[];
}

export type Handler = (ctx: OpContext, request: RouteRequest) => JsonObject;

/** A route of the fake API, e.g. `{ method: 'POST', path: '/v1/invoices/:id/pay', handler }`. */
export interface Route {
  method: HttpMethod;
  path: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
}

/** Matches method + path against a route table; literal segments win over `:param` ones by table order. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({
      ...route,
      pattern: new RegExp(`^${route.path.replace(/\./g, '\\.').replace(/:[a-z_]+/g, '([^/]+)')}$`),
    }));
  }

  match(method: string, path: string): { handler: Handler; pathParams: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match) return { handler: route.handler, pathParams: match.slice(1).map((segment) => decodeURIComponent(segment)) };
    }
    return undefined;
  }
}

/** The first path param (the object id) of a request. */
export function idOf(request: RouteRequest): string {
  return request.pathParams[0] ?? '';
}

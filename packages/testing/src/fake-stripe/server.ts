import type { IncomingMessage, ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { OpContext, unixNow } from './context.js';
import type { EventLog } from './event-log.js';
import { expandPaths } from './expand.js';
import { parseForm, type Params } from './form.js';
import { StripeHttpError, unrecognizedUrl } from './http-errors.js';
import type { IdFactory } from './ids.js';
import type { JsonObject } from './json.js';
import type { Router } from './router.js';
import type { Store } from './store.js';

/** A scripted failure (`fake.failNext(...)`): the next matching requests get `status` instead of being served. */
export interface FailRule {
  method?: string;
  path?: RegExp;
  status: number;
  times?: number;
  retryAfterSeconds?: number;
  body?: object;
}

/** One request as the fake saw it; `path` is the URL path, `query` the raw query string. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  stripeAccount?: string;
}

/** The mutable state behind one fake server. */
export interface ServerState {
  store: Store;
  ids: IdFactory;
  events: EventLog;
  router: Router;
  apiKey: string;
  latencyMs: number;
  failRules: (FailRule & { remaining: number })[];
  requests: RecordedRequest[];
  idempotency: Map<string, { fingerprint: string; status: number; body: string }>;
}

/**
 * The HTTP side of the fake: Stripe's auth (Bearer or Basic with the secret key), `Stripe-Account` scoping,
 * `Idempotency-Key` replay, `Request-Id` headers, scripted failures and latency, form-encoded params, `expand[]`.
 * Bodies are serialised once with `JSON.stringify`.
 */
export function createRequestHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const respond = (): void => serve(state, req, res, Buffer.concat(chunks).toString('utf8'));
      if (state.latencyMs > 0) setTimeout(respond, state.latencyMs);
      else respond();
    });
  };
}

function serve(state: ServerState, req: IncomingMessage, res: ServerResponse, body: string): void {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake.stripe');
  const account = header(req, 'stripe-account');
  const requestId = `req_${state.ids.random(14)}`;
  const apiVersion = header(req, 'stripe-version') ?? Stripe.API_VERSION;
  res.setHeader('Request-Id', requestId);
  res.setHeader('Stripe-Version', apiVersion);
  state.requests.push({ method, path: url.pathname, query: url.search.slice(1), ...(account ? { stripeAccount: account } : {}) });
  const send = (status: number, payload: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
    res.end(payload);
  };
  try {
    const failure = takeFailure(state, method, url.pathname);
    if (failure) {
      const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) };
      send(failure.status, JSON.stringify(failure.body ?? defaultFailureBody(failure.status)), headers);
      return;
    }
    authenticate(state, header(req, 'authorization'));
    if (account && !state.store.platform.get('account', account)) throw noAccess(state.apiKey, account);
    const idempotencyKey = method === 'POST' ? header(req, 'idempotency-key') : undefined;
    const cacheKey = `${account ?? ''}|${idempotencyKey ?? ''}`;
    const fingerprint = `${method} ${url.pathname} ${body}`;
    const cached = idempotencyKey ? state.idempotency.get(cacheKey) : undefined;
    if (cached) {
      if (cached.fingerprint !== fingerprint) throw idempotencyMismatch(idempotencyKey ?? '');
      send(cached.status, cached.body, { 'Idempotency-Key': idempotencyKey ?? '', 'Idempotent-Replayed': 'true' });
      return;
    }
    const match = state.router.match(method, url.pathname);
    if (!match) throw unrecognizedUrl(method, url.pathname);
    const params: Params = { ...parseForm(url.search.slice(1)), ...(method === 'POST' ? parseForm(body) : {}) };
    const origin = { apiVersion, requestId, idempotencyKey: idempotencyKey ?? null };
    const ctx = new OpContext(state.store, state.store.scope(account ?? null), state.ids, state.events, origin, unixNow);
    const result = match.handler(ctx, { params, pathParams: match.pathParams });
    const payload = JSON.stringify(expandPaths(ctx.scope, result, expandParam(params)));
    if (idempotencyKey) state.idempotency.set(cacheKey, { fingerprint, status: 200, body: payload });
    send(200, payload, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {});
  } catch (error) {
    if (error instanceof StripeHttpError) send(error.status, JSON.stringify(error.body));
    else send(500, JSON.stringify({ error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) } }));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function takeFailure(state: ServerState, method: string, path: string): (FailRule & { remaining: number }) | undefined {
  const rule = state.failRules.find(
    (candidate) => candidate.remaining > 0 && (candidate.method === undefined || candidate.method.toUpperCase() === method) && (candidate.path === undefined || candidate.path.test(path)),
  );
  if (!rule) return undefined;
  rule.remaining -= 1;
  state.failRules = state.failRules.filter((candidate) => candidate.remaining > 0);
  return rule;
}

function defaultFailureBody(status: number): JsonObject {
  if (status === 429) {
    return { error: { code: 'rate_limit', message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', type: 'invalid_request_error' } };
  }
  if (status >= 500) return { error: { type: 'api_error', message: 'An unknown error occurred' } };
  return { error: { type: 'invalid_request_error', message: `Scripted failure with status ${status}` } };
}

function authenticate(state: ServerState, authorization: string | undefined): void {
  const key = keyFrom(authorization);
  if (key === undefined) {
    throw new StripeHttpError(401, {
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      type: 'invalid_request_error',
    });
  }
  if (key !== state.apiKey) {
    throw new StripeHttpError(401, { message: `Invalid API Key provided: ${maskKey(key)}`, type: 'invalid_request_error' });
  }
}

function keyFrom(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value || undefined;
  if (scheme?.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

/** `sk_test_abc…1234` -> `sk_test_****1234`: never echo a key. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]+_(?:test_|live_)?/.exec(key)?.[0] ?? '';
  return `${prefix}****${key.slice(-4)}`;
}

function noAccess(apiKey: string, account: string): StripeHttpError {
  return new StripeHttpError(403, {
    message: `The provided key '${maskKey(apiKey)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
    type: 'invalid_request_error',
    code: 'account_invalid',
  });
}

function idempotencyMismatch(key: string): StripeHttpError {
  return new StripeHttpError(400, {
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    type: 'idempotency_error',
  });
}

function expandParam(params: Params): string[] {
  const expand = params.expand;
  if (typeof expand === 'string') return [expand];
  if (!Array.isArray(expand)) return [];
  return expand.filter((path): path is string => typeof path === 'string');
}

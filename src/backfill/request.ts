import type Stripe from 'stripe';
import { BackfillError } from './errors.js';
import { sleep, type TokenBucket } from './rate-limiter.js';

/** Query parameters in Stripe's bracket form: `{ 'created[gte]': '1700000000', limit: '100' }`. */
export type QueryParams = Readonly<Record<string, string>>;

/** How a GET is sent: the shared bucket, the Connect account, and how often to retry. */
export interface GetOptions {
  readonly bucket: TokenBucket;
  readonly stripeAccount?: string | undefined;
  /** Attempts for 429s (default 10) and for 5xx / network errors (default 5). */
  readonly maxRateLimitRetries?: number;
  readonly maxServerRetries?: number;
  /** Called before each wait, so progress can say why nothing moves. */
  readonly onRetry?: (info: { status: number | undefined; waitMs: number; attempt: number }) => void;
}

/**
 * One GET through the `stripe` SDK (so authentication, API version and Connect headers are the SDK's), paced by the
 * token bucket. The SDK runs with `maxNetworkRetries: 0` and never retries a 429, so this does: it waits
 * `Retry-After` when Stripe sends it, else backs off exponentially with jitter, and holds the whole bucket meanwhile.
 * 5xx and connection errors are retried a few times; every other error (bad key, bad request) is thrown at once.
 *
 * ```ts
 * const page = await stripeGet(stripe, '/v1/customers', { limit: '100' }, { bucket });
 * ```
 */
export async function stripeGet(stripe: Stripe, path: string, params: QueryParams, options: GetOptions): Promise<unknown> {
  const query = new URLSearchParams(params).toString();
  const url = query ? `${path}?${query}` : path;
  const requestOptions = options.stripeAccount ? { stripeAccount: options.stripeAccount } : {};
  const maxRateLimited = options.maxRateLimitRetries ?? 10;
  const maxServer = options.maxServerRetries ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    await options.bucket.take();
    try {
      return await stripe.rawRequest('GET', url, undefined, requestOptions);
    } catch (err) {
      const status = statusOf(err);
      const rateLimited = status === 429;
      const transient = rateLimited || isServerOrNetworkError(err, status);
      if (!transient || attempt > (rateLimited ? maxRateLimited : maxServer)) {
        if (transient) {
          throw new BackfillError(`Stripe kept failing on GET ${path} after ${attempt} attempts: ${messageOf(err)}`, { cause: err });
        }
        throw err;
      }
      const waitMs = retryAfterMs(err) ?? backoffMs(attempt);
      if (rateLimited) options.bucket.pauseFor(waitMs);
      options.onRetry?.({ status, waitMs, attempt });
      await sleep(waitMs);
    }
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function isServerOrNetworkError(err: unknown, status: number | undefined): boolean {
  if (status !== undefined) return status >= 500;
  return (err as { type?: unknown } | null)?.type === 'StripeConnectionError';
}

/** `Retry-After` in seconds (Stripe's form) or as an HTTP date, capped at five minutes. */
function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, unknown> } | null)?.headers;
  const raw = headers?.['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(value)) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 300_000) : undefined;
}

/** 0.5 s, 1 s, 2 s, … capped at 30 s, with ±25 % jitter so concurrent workers do not retry in lockstep. */
function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

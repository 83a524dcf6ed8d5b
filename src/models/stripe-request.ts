import Stripe from 'stripe';
import type { StripeObjectLike } from '../sync/index.js';
import { InvalidStripeObjectError, MissingPathParameterError, StripeApiError } from './errors.js';

/** What came back from one API call, with the facts the sync context needs. */
export interface StripeResponse {
  body: unknown;
  /** Unix seconds before the request was sent: the watermark of API data. */
  fetchedAt: number;
  apiVersion: string | null;
}

/**
 * One Stripe API call through the SDK's `rawRequest` (so the SDK's auth, retries, telemetry and host configuration
 * apply), with GET parameters encoded into the query string as Stripe expects (`created[gte]=…`, `expand[0]=…`)
 * and SDK errors turned into {@link StripeApiError}.
 */
export async function stripeRequest(
  stripe: Stripe,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, unknown>,
  stripeAccount: string | null,
): Promise<StripeResponse> {
  const fetchedAt = Math.floor(Date.now() / 1000);
  const query = method === 'POST' ? '' : encodeQuery(params);
  const requestPath = query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
  try {
    const body: unknown = await stripe.rawRequest(method, requestPath, method === 'POST' ? params : undefined, {
      ...(stripeAccount ? { stripeAccount } : {}),
    });
    return { body, fetchedAt, apiVersion: responseApiVersion(body) };
  } catch (error) {
    throw toStripeApiError(error);
  }
}

/** `/v1/customers/{customer}/tax_ids/{id}` + `{ customer: 'cus_1', id: 'txi_2' }` -> `/v1/customers/cus_1/tax_ids/txi_2`. */
export function fillPath(template: string, values: (name: string) => unknown): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values(name);
    if (typeof value !== 'string' || value === '') throw new MissingPathParameterError(template, name);
    return encodeURIComponent(value);
  });
}

/** The body as a Stripe object, or a clear error when Stripe (or a proxy) answered something else. */
export function asStripeObject(body: unknown, what: string): StripeObjectLike {
  if (typeof body !== 'object' || body === null || typeof (body as { object?: unknown }).object !== 'string') {
    throw new InvalidStripeObjectError(`${what} did not return a Stripe object`);
  }
  return body as StripeObjectLike;
}

function encodeQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const visit = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((item, index) => visit(`${key}[${index}]`, item));
    else if (value !== null && typeof value === 'object') {
      for (const [child, inner] of Object.entries(value)) visit(`${key}[${child}]`, inner);
    } else pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value === null ? '' : String(value))}`);
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return pairs.join('&');
}

function responseApiVersion(body: unknown): string | null {
  const last: unknown = typeof body === 'object' && body !== null ? (body as { lastResponse?: unknown }).lastResponse : undefined;
  const version = typeof last === 'object' && last !== null ? (last as { apiVersion?: unknown }).apiVersion : undefined;
  return typeof version === 'string' ? version : null;
}

function toStripeApiError(error: unknown): unknown {
  return error instanceof Stripe.errors.StripeError ? new StripeApiError(error) : error;
}

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Stripe from 'stripe';
import { TestingKitError } from './errors.js';

/** Every event type of the `stripe` package's `Stripe.Event` union. */
export type StripeEventType = Stripe.Event['type'];

/** Options of {@link makeEvent}. */
export interface MakeEventOptions {
  /** Event id; default a fresh `evt_…`. */
  id?: string;
  /** Unix seconds; default now. Tests of ordering set it explicitly. */
  created?: number;
  /** The Connect account the event belongs to (sets `account`); omitted for the platform. */
  account?: string;
  /** `api_version`; default the `stripe` package's pinned version. */
  apiVersion?: string;
  /** `data.previous_attributes` for `*.updated` events. */
  previousAttributes?: Record<string, unknown>;
}

/**
 * A webhook event shaped like Stripe's, around `object` (used as `data.object` as given), typed by its `type`.
 *
 * ```ts
 * const event = makeEvent('customer.updated', customer, { created: 1767225600, previousAttributes: { email: null } });
 * ```
 */
export function makeEvent<T extends StripeEventType>(type: T, object: object, options: MakeEventOptions = {}): Extract<Stripe.Event, { type: T }> {
  const event = {
    id: options.id ?? `evt_${randomBytes(12).toString('base64url')}`,
    object: 'event',
    api_version: options.apiVersion ?? Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object, ...(options.previousAttributes ? { previous_attributes: options.previousAttributes } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...(options.account ? { account: options.account } : {}),
  };
  // The union member for `type` cannot be checked against an arbitrary `object`; the caller vouches for the pairing.
  return event as unknown as Extract<Stripe.Event, { type: T }>;
}

/**
 * Reads a scenario: events in lifecycle order, as NDJSON (one event per line, like
 * `../shared/stripe-data/events/current/scenario.ndjson`) or a JSON array. Throws {@link TestingKitError} naming the
 * line when an entry is not an event.
 *
 * ```ts
 * const events = await loadScenario('test/fixtures/events/scenario.ndjson');
 * ```
 */
export async function loadScenario(path: string): Promise<Stripe.Event[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TestingKitError(`cannot read scenario '${path}'`, { cause: error });
  }
  const trimmed = text.trim();
  const entries: { value: unknown; where: string }[] = trimmed.startsWith('[')
    ? parseArray(trimmed, path).map((value, index) => ({ value, where: `${path} entry ${index + 1}` }))
    : trimmed
        .split('\n')
        .map((line, index) => ({ line: line.trim(), where: `${path}:${index + 1}` }))
        .filter(({ line }) => line.length > 0)
        .map(({ line, where }) => ({ value: parseJson(line, where), where }));
  return entries.map(({ value, where }) => asEvent(value, where));
}

function parseArray(text: string, where: string): unknown[] {
  const parsed = parseJson(text, where);
  if (!Array.isArray(parsed)) throw new TestingKitError(`scenario ${where} is neither NDJSON nor a JSON array`);
  return parsed as unknown[];
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TestingKitError(`invalid JSON in scenario at ${where}`, { cause: error });
  }
}

function asEvent(value: unknown, where: string): Stripe.Event {
  const candidate = value as { object?: unknown; id?: unknown; type?: unknown; data?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || candidate.object !== 'event' || typeof candidate.id !== 'string' || typeof candidate.type !== 'string') {
    throw new TestingKitError(`scenario entry at ${where} is not a Stripe event (needs object 'event', id and type)`);
  }
  return candidate as Stripe.Event;
}

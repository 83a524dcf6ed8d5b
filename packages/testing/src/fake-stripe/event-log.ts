import type Stripe from 'stripe';
import type { IdFactory } from './ids.js';
import { isJsonObject, type Json, type JsonObject, type StripeObjectLike } from './json.js';
import type { AccountScope } from './store.js';

/** Every event type Stripe sends (the `Stripe.Event` union), so the fake can only emit real ones. */
export type EventType = Stripe.Event['type'];

/** What caused an event: the request's API version, id and idempotency key, as Stripe records them. */
export interface EventOrigin {
  apiVersion: string;
  requestId: string | null;
  idempotencyKey: string | null;
  created: number;
}

/**
 * Records one Stripe event per mutation, like Stripe: `data.object` is a snapshot of the object after the change,
 * `data.previous_attributes` holds the old values of what changed (`*.updated` events), `account` is set for Connect
 * accounts. Events are stored in their account's `event` collection (so `GET /v1/events` pages them) and in one
 * global list for `fake.events()`.
 */
export class EventLog {
  private readonly all: Stripe.Event[] = [];

  constructor(private readonly ids: IdFactory) {}

  record(scope: AccountScope, type: EventType, object: StripeObjectLike, origin: EventOrigin, previous?: JsonObject): void {
    const data: JsonObject = { object: structuredClone(object) };
    if (previous) data.previous_attributes = diff(previous, object);
    const event: StripeObjectLike = {
      id: this.ids.next('evt', 16),
      object: 'event',
      api_version: origin.apiVersion,
      created: origin.created,
      data,
      livemode: false,
      pending_webhooks: 0,
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
      type,
    };
    if (scope.account !== null) event.account = scope.account;
    scope.put(event);
    this.all.push(event as unknown as Stripe.Event);
  }

  /** Every event of every account, oldest first. */
  list(): Stripe.Event[] {
    return this.all.map((event) => structuredClone(event));
  }
}

/** True when an update changed something, i.e. Stripe would send a `*.updated` event. */
export function changed(previous: JsonObject, next: JsonObject): boolean {
  return Object.keys(diff(previous, next)).length > 0;
}

/** Old values of the fields that differ; nested hashes (metadata, address) diff key by key, new keys map to null. */
function diff(previous: JsonObject, next: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    const before: Json = previous[key] ?? null;
    const after: Json = next[key] ?? null;
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    out[key] = isJsonObject(before) && isJsonObject(after) && before.object !== 'list' ? diff(before, after) : before;
  }
  return out;
}

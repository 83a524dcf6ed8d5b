import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import { EventRefetchError, ThinEventNeedsStripeError } from './errors.js';
import { isPlainFieldName, isRecord } from './event-shape.js';

/**
 * A thin event, as Stripe's v2 event destinations deliver it: no snapshot of the object, only a pointer to it
 * (`related_object`: id, type, and the API path that retrieves it), the Connect account in `context`, and `created`
 * as an ISO date. stripe-node calls it an `EventNotification`.
 */
export interface ThinEvent {
  id: string;
  object: 'v2.core.event';
  type: string;
  created?: string;
  livemode?: boolean;
  context?: string | null;
  related_object?: { id: string; type: string; url: string } | null;
}

/** True for the body of a thin event: `object: 'v2.core.event'`, an id and a type, plain top-level field names. */
export function isThinEvent(value: unknown): value is ThinEvent {
  return (
    isRecord(value) &&
    value.object === 'v2.core.event' &&
    typeof value.id === 'string' &&
    value.id !== '' &&
    typeof value.type === 'string' &&
    Object.keys(value).every(isPlainFieldName)
  );
}

/**
 * Turns a thin event into the snapshot event the pipeline applies: the notification as Stripe sent it plus
 * `data.object`, its related object retrieved through the mirror's Stripe client (`related_object.url`, as the
 * event's account, which is also set as `account` so the mirror scopes it), or a deleted stub when Stripe no longer
 * has the object of a `*.deleted` event, or `{}` when the event points at no object (it is then recorded `ignored`).
 * Its `created` stays Stripe's ISO date, so the mirror writes the object with the fetch time as watermark. Throws
 * {@link ThinEventNeedsStripeError} when the mirror has no Stripe client, {@link EventRefetchError} when the retrieve
 * fails.
 *
 * ```ts
 * await pipeline.ingest(await hydrateThinEvent(notification, mirror), 'webhook');
 * ```
 */
export async function hydrateThinEvent(event: ThinEvent, mirror: StripeMirror): Promise<Stripe.Event> {
  const account = typeof event.context === 'string' && event.context !== '' ? event.context : undefined;
  const snapshot = (object: Record<string, unknown>): Stripe.Event =>
    ({ ...event, ...(account ? { account } : {}), data: { object } }) as unknown as Stripe.Event;
  const related = event.related_object;
  if (!related || typeof related.url !== 'string' || typeof related.id !== 'string') return snapshot({});
  let stripe: Stripe;
  try {
    stripe = mirror.stripe();
  } catch (err) {
    throw new ThinEventNeedsStripeError(event.id, err);
  }
  let fetched: unknown;
  try {
    fetched = await stripe.rawRequest('GET', related.url, undefined, account === undefined ? undefined : { stripeAccount: account });
  } catch (err) {
    if (event.type.endsWith('.deleted') && isMissing(err)) return snapshot({ id: related.id, object: related.type, deleted: true });
    throw new EventRefetchError(related.type, related.id, err);
  }
  if (!isRecord(fetched) || typeof fetched.id !== 'string' || typeof fetched.object !== 'string') {
    throw new EventRefetchError(related.type, related.id, new Error('the API answered with something that is not an object'));
  }
  return snapshot(fetched);
}

function isMissing(err: unknown): boolean {
  return isRecord(err) && (err.statusCode === 404 || err.code === 'resource_missing');
}

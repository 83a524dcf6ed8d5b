import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import { EventRefetchError } from './errors.js';
import { isRecord, type MirrorableObject } from './event-shape.js';
import type { RefetchPolicy } from './options.js';
import type { EventRoute } from './route.js';

/** Whether the policy asks to re-retrieve this event's object (never for deletions: the object is gone). */
export function shouldRefetch(policy: RefetchPolicy, event: Stripe.Event, route: EventRoute): boolean {
  if (route.tombstone) return false;
  if (typeof policy === 'boolean') return policy;
  if (typeof policy === 'function') return policy(event);
  return policy.includes(route.object.object);
}

/**
 * Re-retrieves the event's object through `mirror.stripe()` (so the mirror's API version and key apply), as the
 * Connect account named by the event. Throws {@link EventRefetchError} on any API failure, so the event is marked
 * failed and retried rather than mirrored from a payload the policy said not to trust.
 */
export async function refetchObject(
  mirror: StripeMirror,
  event: Stripe.Event,
  route: EventRoute & { retrievePath: string },
): Promise<MirrorableObject> {
  const { object } = route;
  const account = typeof event.account === 'string' ? event.account : undefined;
  let fetched: unknown;
  try {
    fetched = await mirror
      .stripe()
      .rawRequest('GET', route.retrievePath, undefined, account === undefined ? undefined : { stripeAccount: account });
  } catch (err) {
    throw new EventRefetchError(object.object, object.id, err);
  }
  if (!isRecord(fetched) || typeof fetched.id !== 'string' || typeof fetched.object !== 'string') {
    throw new EventRefetchError(object.object, object.id, new Error('the API answered with something that is not an object'));
  }
  return { ...fetched, id: fetched.id, object: fetched.object };
}

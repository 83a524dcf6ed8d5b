import mongoose from 'mongoose';
import { MAX_JSON_NESTING } from '../sync/limits.js';
import { EventLogUnavailableError, WebhookRejectedError } from './errors.js';

/**
 * Deepest nesting accepted in an event: the sync engine's own limit, so an event the log accepts is one the write path
 * accepts too (the event and its `data` wrap the object, so the object itself nests less). Real Stripe payloads stay
 * under 15 levels.
 */
export const MAX_EVENT_DEPTH = MAX_JSON_NESTING;

/**
 * Refuses, before any write, an event MongoDB could never store because it is nested too deeply: retrying such a
 * delivery can never succeed, so it is a bad payload (400), not an outage (503).
 *
 * ```ts
 * assertStorable(event); // throws WebhookRejectedError('unstorable_event', …) past MAX_EVENT_DEPTH levels
 * ```
 */
export function assertStorable(event: object): void {
  if (depthExceeds(event, MAX_EVENT_DEPTH)) {
    throw unstorable(`the event is nested more than ${MAX_EVENT_DEPTH} levels deep`);
  }
}

/**
 * Classifies a failed event-log write: the driver's BSON serializer refusing the document before anything was sent
 * (a `BSONError`, such as a field name containing a NUL byte, or a `RangeError` from a document too deep or too big)
 * means the payload can never be stored, so the delivery is rejected (400); anything else is the database failing
 * (503, Stripe retries).
 *
 * ```ts
 * catch (err) { throw storageFailure(err); }
 * ```
 */
export function storageFailure(err: unknown): WebhookRejectedError | EventLogUnavailableError {
  if (mongoose.mongo.BSON.BSONError.isBSONError(err)) return unstorable('MongoDB cannot serialize it (for example a field name containing a NUL byte)');
  if (err instanceof RangeError) return unstorable('MongoDB cannot serialize it (nested too deeply or too large)');
  return new EventLogUnavailableError(err);
}

function unstorable(why: string): WebhookRejectedError {
  return new WebhookRejectedError('unstorable_event', `the event cannot be stored: ${why}; nothing was stored`);
}

/** Walks objects and arrays without recursion, so a hostile payload cannot overflow the stack here either. */
function depthExceeds(root: object, limit: number): boolean {
  const pending: [unknown, number][] = [[root, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

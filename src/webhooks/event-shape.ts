import type Stripe from 'stripe';

/** A Stripe object that can be mirrored: it names its type and has an id. */
export interface MirrorableObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

/**
 * True when a parsed body has the parts of a Stripe event the pipeline relies on (`id`, `type`, `created`,
 * `data.object`) and only plain top-level field names (Stripe never sends one starting with `$` or containing `.`;
 * the event log stores top-level fields as document fields, where such names would act as update paths).
 * Everything else is kept exactly as Stripe sent it, whatever the API version, so the guard is deliberately loose:
 * an event of 2016 passes as well as one of today.
 */
export function isStripeEvent(value: unknown): value is Stripe.Event {
  if (!isRecord(value)) return false;
  const { id, type, data } = value;
  return (
    typeof id === 'string' &&
    id !== '' &&
    typeof type === 'string' &&
    isRecord(data) &&
    isRecord(data.object) &&
    Object.keys(value).every(isPlainFieldName)
  );
}

/** A top-level field name the event log can store as a document field: not empty, no leading `$`, no `.`. */
export function isPlainFieldName(name: string): boolean {
  return name !== '' && !name.startsWith('$') && !name.includes('.');
}

/** The event's `data.object` when it is a Stripe object with an id, else `undefined` (nothing to mirror). */
export function mirrorableObject(event: Stripe.Event): MirrorableObject | undefined {
  const object: unknown = event.data.object;
  if (!isRecord(object)) return undefined;
  const { id, object: type } = object;
  if (typeof id !== 'string' || id === '' || typeof type !== 'string' || type === '') return undefined;
  return { ...object, id, object: type };
}

/** Seconds since the epoch the event was created; Stripe always sends it, a hand-made event may not. */
export function eventCreated(event: Stripe.Event): number {
  return typeof event.created === 'number' && Number.isFinite(event.created)
    ? event.created
    : Math.floor(Date.now() / 1000);
}

/** A plain JSON object (not null, not an array): what Stripe payloads are made of. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

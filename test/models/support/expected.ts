import { expandableFields } from '../../../src/models/expandable.js';

type Json = Record<string, unknown>;

/**
 * What the mirror should store for a Stripe object: the object itself with every expanded object at one of its
 * type's expandable paths replaced by its id, and expanded lists at those paths (`customer.subscriptions`) left to
 * their own documents; lists Stripe always embeds (`subscription.items`) stay, and Stripe objects embedded elsewhere
 * are normalized the same way. Written independently of the sync
 * engine so the round-trip test checks it rather than repeats it.
 */
export function expectedStored(object: Json): Json {
  const copy = structuredClone(object);
  normalize(copy);
  return copy;
}

/** Collapses an object's own expandable paths, then normalizes the Stripe objects embedded elsewhere in it. */
function normalize(object: Json): void {
  const type = typeof object.object === 'string' ? object.object : '';
  for (const path of expandableFields(type)) collapse(object, path.split('.'));
  for (const value of Object.values(object)) visitEmbedded(value);
}

function visitEmbedded(value: unknown): void {
  if (Array.isArray(value)) value.forEach(visitEmbedded);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Json;
    if (typeof record.id === 'string' && typeof record.object === 'string' && record.object !== 'list') normalize(record);
    else Object.values(record).forEach(visitEmbedded);
  }
}

function collapse(holder: unknown, path: string[]): void {
  if (Array.isArray(holder)) {
    for (const item of holder) collapse(item, path);
    return;
  }
  if (typeof holder !== 'object' || holder === null) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const record = holder as Json;
  if (!Object.hasOwn(record, head)) return;
  const value = record[head];
  if (rest.length > 0) collapse(value, rest);
  else if (isList(value)) delete record[head];
  else record[head] = Array.isArray(value) ? value.map(idOf) : idOf(value);
}

function isList(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Json).object === 'list';
}

function idOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const id = (value as Json).id;
  return typeof id === 'string' ? id : value;
}

/** A stored document without the mirror's own fields: what Stripe sent, as stored. */
export function stripeFields(document: object): Json {
  const { _id: _ignoredId, _mirror: _ignoredMirror, stripeAccount: _ignoredAccount, ...fields } = document as Json;
  return fields;
}

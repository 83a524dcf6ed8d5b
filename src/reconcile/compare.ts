import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'mongodb';
import { expandableFields } from '../models/expandable.js';
import { extractDocuments } from '../sync/extract.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_OBJECTS, SHARED_ID_TYPES } from '../sync/plan.js';
import type { PlainObject } from '../sync/types.js';
import type { Verdict } from './options.js';

/**
 * How an object Stripe returned compares with the document the mirror holds for its id (`undefined`: none).
 *
 * The comparison is on exactly what the write path would store: Stripe's object goes through the sync engine's own
 * normalization (an expanded object at an expandable path becomes its id, an expanded list is dropped, nested objects
 * are normalized the same way), and the stored document loses `_id`, `_mirror` and `stripeAccount`. Whatever else
 * differs, a field changed, added or removed, even deep inside, makes the versions differ; key order never does.
 * So `equal` means "syncing this object again would store the same fields", and bookkeeping never counts as drift.
 * A tombstone (`deleted: true`) differs from any live version; the write path keeps tombstones, so such an id stays
 * reported until someone looks at it.
 *
 * Versions that differ are `stale` when the stored watermark is not newer than the fetch (`fetchedAt`, unix
 * seconds), `newer` otherwise: a webhook applied after the fetch holds fresher data than the list did.
 *
 * A plan stored as the price of the same id is `equal`: the mirror keeps one document per id and the price wins
 * (see `SHARED_ID_TYPES`); the price itself is compared as a price.
 *
 * ```ts
 * compareObject({ id: 'cus_1', object: 'customer', email: 'b@x.io' }, storedCustomer, page.fetchedAt); // 'stale'
 * ```
 */
export function compareObject(listed: PlainObject & { object: string }, stored: Document | undefined, fetchedAt: number): Exclude<Verdict, 'gone'> {
  if (stored === undefined) return 'missing';
  if (stored.object !== listed.object && canonicalTypeOf(listed.object) === stored.object) return 'equal';
  if (sameFields(storableFields(listed), stored)) return 'equal';
  const watermark: unknown = stored._mirror?.watermark;
  return typeof watermark === 'number' && watermark > fetchedAt ? 'newer' : 'stale';
}

/** The Stripe fields the write path stores for `object`; a live object never stores `deleted`, which `sameFields` skips. */
function storableFields(object: PlainObject): PlainObject {
  const [root] = extractDocuments([object], false, { expandableFields, maxDepth: DEFAULT_MAX_DEPTH, maxObjects: DEFAULT_MAX_OBJECTS });
  return root?.fields ?? {};
}

/** The mirror's own fields of a stored document. */
const BOOKKEEPING = new Set(['_id', '_mirror', 'stripeAccount']);

/**
 * Whether `stored`, without its bookkeeping, holds exactly `fields` (without `deleted`), compared key by key without
 * copying either document: this runs for every object of every page.
 */
function sameFields(fields: PlainObject, stored: Document): boolean {
  let count = 0;
  for (const key of Object.keys(fields)) {
    if (key === 'deleted') continue;
    if (!Object.hasOwn(stored, key) || !isDeepStrictEqual(fields[key], stored[key])) return false;
    count += 1;
  }
  let storedCount = 0;
  for (const key of Object.keys(stored)) if (!BOOKKEEPING.has(key)) storedCount += 1;
  return count === storedCount;
}

function canonicalTypeOf(type: string): string | undefined {
  return Object.hasOwn(SHARED_ID_TYPES, type) ? SHARED_ID_TYPES[type as keyof typeof SHARED_ID_TYPES].canonical : undefined;
}

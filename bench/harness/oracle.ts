import { isDeepStrictEqual } from 'node:util';
import type { WebhookEvent } from './lifecycle-stream.js';

/** A stored document as the driver returns it. */
export type StoredDocument = { _id: unknown; [field: string]: unknown };

/**
 * Bookkeeping that legitimately differs between two correct mirrors of the same events: when and through which
 * delivery a document was written.
 */
export const VOLATILE_MIRROR_FIELDS = ['syncedAt', 'source', 'sourceId', 'deletedAt'] as const;

/** How two mirrors differ; all empty when they are equal. */
export interface MirrorDifference {
  /** In the expected mirror only. */
  missing: string[];
  /** In the actual mirror only. */
  extra: string[];
  /** In both, with different content: the id and the first differing path. */
  different: Array<{ id: string; path: string; actual: unknown; expected: unknown }>;
}

/**
 * The load suite's oracle: the mirror built from shuffled, duplicated, concurrent deliveries must equal the mirror
 * built by applying the same events once each, in `created` order, ignoring {@link VOLATILE_MIRROR_FIELDS}.
 *
 * ```ts
 * const diff = compareMirrors(await actual.find().toArray(), await expected.find().toArray());
 * expect(diff).to.deep.equal({ missing: [], extra: [], different: [] });
 * ```
 */
export function compareMirrors(actual: readonly StoredDocument[], expected: readonly StoredDocument[]): MirrorDifference {
  const actualById = new Map(actual.map((doc) => [String(doc._id), stripVolatile(doc)]));
  const expectedById = new Map(expected.map((doc) => [String(doc._id), stripVolatile(doc)]));
  const difference: MirrorDifference = { missing: [], extra: [], different: [] };
  for (const [id, want] of expectedById) {
    const got = actualById.get(id);
    if (got === undefined) difference.missing.push(id);
    else if (!isDeepStrictEqual(got, want)) difference.different.push({ id, ...firstDifference(got, want, '') });
  }
  for (const id of actualById.keys()) if (!expectedById.has(id)) difference.extra.push(id);
  return difference;
}

/**
 * A check that does not trust the library's own in-order application: for each object an event carried, the
 * stored document holds the top-level scalar fields (strings, numbers, booleans, null) and the metadata of the
 * newest version among the events (the last one in `created` order), and is a tombstone exactly when that version
 * came from an event that deletes its object: a `*.deleted` event other than `customer.subscription.deleted`, which
 * Stripe's API reference defines as the subscription ending (it stays, `status: 'canceled'`). Returns one line per
 * mismatch.
 */
export function checkNewestVersions(inOrder: readonly WebhookEvent[], stored: readonly StoredDocument[]): string[] {
  const newest = new Map<string, WebhookEvent>();
  for (const event of inOrder) newest.set(event.data.object.id, event);
  const byId = new Map(stored.map((doc) => [String(doc._id), doc]));
  const problems: string[] = [];
  for (const [id, event] of newest) {
    const doc = byId.get(id);
    if (!doc) {
      problems.push(`${id}: not stored`);
      continue;
    }
    for (const [field, value] of Object.entries(event.data.object)) {
      const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
      if ((scalar || field === 'metadata') && !isDeepStrictEqual(doc[field], value)) {
        problems.push(`${id}.${field}: stored ${JSON.stringify(doc[field])}, newest (${event.id}) ${JSON.stringify(value)}`);
      }
    }
    if ((doc.deleted === true) !== deletesItsObject(event.type)) {
      problems.push(`${id}: deleted is ${String(doc.deleted)} after ${event.type} (${event.id})`);
    }
  }
  return problems;
}

function deletesItsObject(type: string): boolean {
  return type.endsWith('.deleted') && type !== 'customer.subscription.deleted';
}

function stripVolatile(doc: StoredDocument): StoredDocument {
  const mirror = doc._mirror;
  if (mirror === null || typeof mirror !== 'object') return doc;
  const kept = { ...(mirror as Record<string, unknown>) };
  for (const field of VOLATILE_MIRROR_FIELDS) delete kept[field];
  return { ...doc, _mirror: kept };
}

/** The first path (dotted, `''` for the root) at which two values differ, with both values there. */
export function firstDifference(actual: unknown, expected: unknown, path = ''): { path: string; actual: unknown; expected: unknown } {
  if (isPlainRecord(actual) && isPlainRecord(expected)) {
    for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
      if (!isDeepStrictEqual(actual[key], expected[key])) return firstDifference(actual[key], expected[key], path ? `${path}.${key}` : key);
    }
  }
  return { path, actual, expected };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

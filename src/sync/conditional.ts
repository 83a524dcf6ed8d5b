import type { Document } from 'mongodb';
import type { PlainObject } from './types.js';

/** What decides whether a write applies, in the terms of {@link guardFilter}'s filter. */
export interface Guard {
  readonly watermark: number;
  readonly rank: number;
  readonly tombstone: boolean;
  /** The write never applies over a document of this type (a plan never overwrites its price). */
  readonly notObject: string | undefined;
  /** The write always applies over a document of this type (a price replaces its plan) … */
  readonly orObject: string | undefined;
  /** … removing these fields, which only that type has. */
  readonly drop: readonly string[];
}

/**
 * The update pipeline of a guarded write (`$set` paths as {@link setOf} builds them: top-level Stripe fields and
 * `_mirror.*` paths), for `updateOne({ _id }, pipeline, { upsert: true })`: the same outcome as the guarded upsert,
 * without its E11000 when the stored version is newer. The guard becomes a `$cond`: when it passes, the new version
 * replaces the stored one (see {@link replacementUpdate}; a tombstone is merged over it instead); when it fails
 * the document is returned unchanged (matched, not modified: the stale write), except that a stale tombstone still
 * marks its document deleted. Values are `$literal`, so Stripe data is never read as an expression (metadata keys
 * such as `$where` stay data). Filtering on `_id` alone lets the server retry a lost insert race itself.
 *
 * ```ts
 * await collection.updateOne({ _id: write.id }, conditionalUpdate(set, guard), { upsert: true });
 * ```
 */
export function conditionalUpdate(set: PlainObject, guard: Guard): Document[] {
  const { fields, mirror } = split(set);
  const applied = guard.tombstone ? merged(fields, mirror, guard.drop) : replaced(fields, mirror);
  return [{ $replaceWith: { $cond: { if: applies(guard), then: applied, else: stale(guard, mirror) } } }];
}

/**
 * The update of a guarded write that is not a tombstone, as a pipeline: the stored document becomes exactly the new
 * version (`_id`, the Stripe fields as sent, `stripeAccount`), so a field an older version had and the newer one
 * lacks is gone, and a document once of another type keeps nothing of it; the bookkeeping survives (`_mirror` merged
 * field by field, `deleted: true` of a tombstone kept: a deletion is final).
 *
 * ```ts
 * await collection.updateOne(guardFilter(id, watermark, rank), replacementUpdate(set), { upsert: true });
 * ```
 */
export function replacementUpdate(set: PlainObject): Document[] {
  const { fields, mirror } = split(set);
  return [{ $replaceWith: replaced(fields, mirror) }];
}

/** `$set` paths of {@link setOf} as the Stripe fields and the `_mirror` fields. */
function split(set: PlainObject): { fields: PlainObject; mirror: PlainObject } {
  const fields: PlainObject = {};
  const mirror: PlainObject = {};
  for (const key in set) {
    if (key.startsWith('_mirror.')) mirror[key.slice('_mirror.'.length)] = set[key];
    else fields[key] = set[key];
  }
  return { fields, mirror };
}

function mergedMirror(mirror: PlainObject): Document {
  return { _mirror: { $mergeObjects: [{ $ifNull: ['$_mirror', {}] }, { $literal: mirror }] } };
}

/** The new version in place of the stored one (see {@link replacementUpdate}). */
function replaced(fields: PlainObject, mirror: PlainObject): Document {
  return {
    $mergeObjects: [{ _id: '$_id' }, { $literal: fields }, { $cond: [{ $eq: ['$deleted', true] }, { deleted: true }, {}] }, mergedMirror(mirror)],
  };
}

/** A tombstone's fields over the stored ones: a `{ id, object, deleted }` stub keeps what the mirror knew. */
function merged(fields: PlainObject, mirror: PlainObject, drop: readonly string[]): Document {
  return { $mergeObjects: [base(drop), { $literal: fields }, mergedMirror(mirror)] };
}

/** The stored document, without the fields only the replaced type has (a plan's, when its price replaces it). */
function base(drop: readonly string[]): unknown {
  if (drop.length === 0) return '$$ROOT';
  return { $arrayToObject: { $filter: { input: { $objectToArray: '$$ROOT' }, cond: { $not: [{ $in: ['$$this.k', [...drop]] }] } } } };
}

function applies(guard: Guard): Document {
  const { watermark, rank } = guard;
  const newer: Document = {
    $or: [
      { $eq: [{ $type: '$_mirror.watermark' }, 'missing'] },
      { $lt: ['$_mirror.watermark', watermark] },
      { $and: [{ $eq: ['$_mirror.watermark', watermark] }, { $lte: ['$_mirror.rank', rank] }] },
      ...(guard.orObject === undefined ? [] : [{ $eq: ['$object', guard.orObject] }]),
    ],
  };
  return guard.notObject === undefined ? newer : { $and: [newer, { $ne: ['$object', guard.notObject] }] };
}

/** A stale write leaves the document alone; a stale tombstone still marks it deleted (a deletion is final). */
function stale(guard: Guard, mirror: PlainObject): unknown {
  if (!guard.tombstone) return '$$ROOT';
  const deleted = { $mergeObjects: ['$$ROOT', { deleted: true, _mirror: { $mergeObjects: ['$_mirror', { deletedAt: { $literal: mirror.deletedAt } }] } }] };
  return { $cond: { if: { $eq: ['$deleted', true] }, then: '$$ROOT', else: deleted } };
}

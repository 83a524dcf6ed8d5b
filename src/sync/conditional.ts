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
 * without its E11000 when the stored version is newer. The guard becomes a `$cond`: when it passes, the fields are
 * merged over the stored document (`_mirror` field by field, so a tombstone's `deletedAt` survives); when it fails
 * the document is returned unchanged (matched, not modified: the stale write), except that a stale tombstone still
 * marks its document deleted. Values are `$literal`, so Stripe data is never read as an expression (metadata keys
 * such as `$where` stay data). Filtering on `_id` alone lets the server retry a lost insert race itself.
 *
 * ```ts
 * await collection.updateOne({ _id: write.id }, conditionalUpdate(set, guard), { upsert: true });
 * ```
 */
export function conditionalUpdate(set: PlainObject, guard: Guard): Document[] {
  const fields: PlainObject = {};
  const mirror: PlainObject = {};
  for (const key in set) {
    if (key.startsWith('_mirror.')) mirror[key.slice('_mirror.'.length)] = set[key];
    else fields[key] = set[key];
  }
  const applied = {
    $mergeObjects: [base(guard.drop), { $literal: fields }, { _mirror: { $mergeObjects: [{ $ifNull: ['$_mirror', {}] }, { $literal: mirror }] } }],
  };
  return [{ $replaceWith: { $cond: { if: applies(guard), then: applied, else: stale(guard, mirror) } } }];
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

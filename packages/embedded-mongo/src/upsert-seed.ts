import { ObjectId } from 'bson';
import { type Doc, deepCopy, isPlainObject, splitPath } from './paths.js';
import { isOperatorObject } from './query.js';
import { resolveTargets, setChild } from './update-targets.js';

/**
 * The document an upsert starts from: the filter's equality conditions (`{ a: 1 }`, `{ a: { $eq: 1 } }`, inside
 * `$and` too), with `_id` first, as MongoDB seeds it.
 */
export function seedFromFilter(filter: Doc): Doc {
  const seed: Doc = {};
  collectEqualities(filter, seed);
  if ('_id' in seed) return { _id: seed._id, ...seed };
  return seed;
}

function collectEqualities(filter: Doc, seed: Doc): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainObject(clause)) collectEqualities(clause, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value instanceof RegExp) continue;
    let equal: unknown = value;
    if (isOperatorObject(value)) {
      if (!('$eq' in value)) continue;
      equal = value.$eq;
    }
    for (const target of resolveTargets(seed, splitPath(key), { isInsert: true }, true)) setChild(target.parent, target.key, deepCopy(equal));
  }
}

/** Puts `_id` first (generating an ObjectId when missing), as MongoDB stores inserted documents. */
export function withIdFirst(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  const keys = Object.keys(doc);
  if (keys[0] === '_id') return doc;
  return { _id: doc._id, ...doc };
}

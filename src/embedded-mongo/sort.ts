import { compareValues } from './compare.js';
import { MongoCommandError, unsupported } from './errors.js';
import { type Doc, collectPathValues, splitPath } from './paths.js';

/**
 * MongoDB sort: cross-type order from compare.ts; a field holding an array sorts by its smallest element ascending
 * and its largest descending; missing fields sort as null. Stable, like MongoDB's sort on ties by natural order.
 *
 * ```ts
 * sortDocuments(docs, { createdAt: -1, _id: 1 });
 * ```
 */
export function sortDocuments<T extends Doc>(docs: readonly T[], spec: Doc): T[] {
  if ('$natural' in spec) return spec.$natural === -1 ? [...docs].reverse() : [...docs];
  const fields = Object.entries(spec).map(([path, direction]) => {
    if (direction !== 1 && direction !== -1) {
      if (typeof direction === 'object') throw unsupported('sorting by $meta');
      throw new MongoCommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    return { parts: splitPath(path), direction };
  });
  if (fields.length === 0) return [...docs];
  const keyed = docs.map((doc) => ({ doc, keys: fields.map((f) => sortKey(doc, f.parts, f.direction)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c * (fields[i]?.direction ?? 1);
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

function sortKey(doc: Doc, parts: readonly string[], direction: number): unknown {
  const values = collectPathValues(doc, parts).flatMap((v) => (Array.isArray(v) ? (v.length === 0 ? [undefined] : v) : [v]));
  let best: unknown = values[0] ?? null;
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if ((direction === 1 && c < 0) || (direction === -1 && c > 0)) best = values[i];
  }
  return best === undefined ? null : best;
}

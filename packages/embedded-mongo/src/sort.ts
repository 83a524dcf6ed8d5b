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
  return topDocuments(docs, spec, 0);
}

/**
 * The first `limit` items of `items` in `spec` order (0 = all), stable like `sortDocuments`, reading each item's
 * document through `docOf`. With a limit it keeps a bounded sorted window (binary insertion), so a `find` with sort +
 * limit over many documents neither sorts nor retains them all.
 *
 * ```ts
 * topDocuments(selected, { created: -1 }, 1, (s) => s.doc); // the newest match
 * ```
 */
export function topDocuments<T>(items: Iterable<T>, spec: Doc, limit: number, docOf: (item: T) => Doc = (item) => item as Doc): T[] {
  if ('$natural' in spec) {
    const all = [...items];
    if (spec.$natural === -1) all.reverse();
    return limit > 0 ? all.slice(0, limit) : all;
  }
  const fields = sortFields(spec);
  if (fields.length === 0) {
    const all = [...items];
    return limit > 0 ? all.slice(0, limit) : all;
  }
  const compare = (a: unknown[], b: unknown[]): number => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c * (fields[i]?.direction ?? 1);
    }
    return 0;
  };
  const window: { item: T; keys: unknown[] }[] = [];
  for (const item of items) {
    const doc = docOf(item);
    const keys = fields.map((f) => sortKey(doc, f.parts, f.direction));
    if (limit <= 0) {
      window.push({ item, keys });
      continue;
    }
    const last = window[window.length - 1];
    if (window.length >= limit && last && compare(keys, last.keys) >= 0) continue;
    let low = 0;
    let high = window.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(keys, (window[mid] as { keys: unknown[] }).keys) < 0) high = mid;
      else low = mid + 1;
    }
    window.splice(low, 0, { item, keys });
    if (window.length > limit) window.pop();
  }
  if (limit <= 0) window.sort((a, b) => compare(a.keys, b.keys));
  return window.map((entry) => entry.item);
}

function sortFields(spec: Doc): { parts: readonly string[]; direction: 1 | -1 }[] {
  return Object.entries(spec).map(([path, direction]) => {
    if (direction !== 1 && direction !== -1) {
      if (typeof direction === 'object') throw unsupported('sorting by $meta');
      throw new MongoCommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    return { parts: splitPath(path), direction };
  });
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

import { Query } from 'mingo';
import { MongoCommandError } from './errors.js';
import { type Doc, deepCopy, isPlainObject, ownField, setField, splitPath } from './paths.js';
import { applyOperators, isInclusion, splitOperators } from './projection-operators.js';
import type { MatchState } from './query.js';

/**
 * Find projections: inclusion (`{ a: 1, 'b.c': 1 }`) and exclusion (`{ a: 0 }`) are applied here so `.`/`$` keys in
 * embedded documents survive untouched; projections with operators (`$slice`, `$elemMatch`, expressions) go to mingo.
 *
 * ```ts
 * project({ _id: 1, a: 1, b: 2 }, { a: 1 }); // { _id: 1, a: 1 }
 * ```
 */
export function project(doc: Doc, projection: Doc | undefined, state?: MatchState): Doc {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const entries = Object.entries(projection);
  if (entries.some(([key, value]) => key.includes('$') || (typeof value === 'object' && value !== null) || typeof value === 'string')) {
    return projectWithOperators(doc, projection, state);
  }
  return projectPlain(doc, projection, entries);
}

/**
 * `$slice`, `$elemMatch` and positional `$` (projection-operators.ts) on top of the plain entries; a `$slice`-only
 * projection keeps every field. Aggregation expressions in a projection still go to mingo.
 */
function projectWithOperators(doc: Doc, projection: Doc, state: MatchState | undefined): Doc {
  const split = splitOperators(projection);
  if (!split) {
    const [result] = new Query({}).find([deepCopy(doc)], projection).all() as Doc[];
    return result ?? {};
  }
  const { plain, operators } = split;
  const base: Doc = { ...plain };
  if (isInclusion(plain, operators)) for (const operator of operators) base[operator.path] = 1;
  const entries = Object.entries(base);
  const result = entries.length === 0 ? deepCopy(doc) : deepCopy(projectPlain(doc, base, entries));
  applyOperators(doc, result, operators, state);
  return result;
}

function projectPlain(doc: Doc, projection: Doc, entries: [string, unknown][]): Doc {
  const includeId = projection._id === undefined ? true : Boolean(projection._id);
  const others = entries.filter(([key]) => key !== '_id');
  const inclusion = others.length > 0 ? others.every(([, v]) => Boolean(v)) : !includeId ? false : true;
  if (others.some(([, v]) => Boolean(v) !== inclusion)) {
    throw new MongoCommandError('Location', 'Cannot do exclusion on field in inclusion projection');
  }
  if (!inclusion || others.length === 0) {
    if (others.length === 0 && includeId) return projection._id === undefined ? doc : { _id: doc._id };
    const copy = deepCopy(doc);
    for (const [key] of others) removePath(copy, splitPath(key));
    if (!includeId) delete copy._id;
    return copy;
  }
  const result: Doc = {};
  if (includeId && doc._id !== undefined) result._id = doc._id;
  for (const [key] of others) includePath(doc, result, splitPath(key), 0);
  return result;
}

function includePath(source: unknown, target: Doc, parts: readonly string[], i: number): void {
  if (!isPlainObject(source)) return;
  const part = parts[i] as string;
  if (!Object.hasOwn(source, part)) return;
  const value = source[part];
  if (i === parts.length - 1) {
    setField(target, part, deepCopy(value));
    return;
  }
  if (Array.isArray(value)) {
    const existing = ownField(target, part);
    const elements = Array.isArray(existing) ? (existing as unknown[]) : [];
    const projected = value.filter(isPlainObject).map((element, index) => {
      const into = isPlainObject(elements[index]) ? (elements[index] as Doc) : {};
      includePath(element, into, parts, i + 1);
      return into;
    });
    setField(target, part, projected);
    return;
  }
  if (!isPlainObject(value)) return;
  const current = ownField(target, part);
  const into = isPlainObject(current) ? current : {};
  setField(target, part, into);
  includePath(value, into, parts, i + 1);
}

function removePath(target: unknown, parts: readonly string[]): void {
  if (Array.isArray(target)) {
    for (const element of target) removePath(element, parts);
    return;
  }
  if (!isPlainObject(target)) return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) delete target[head];
  else removePath(ownField(target, head), rest);
}

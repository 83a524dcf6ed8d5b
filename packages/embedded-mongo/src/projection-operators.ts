import { MongoCommandError } from './errors.js';
import { type Doc, deepCopy, isPlainObject, ownField, setField, splitPath } from './paths.js';
import { type MatchState, isOperatorObject, matches } from './query.js';

/**
 * The find projection operators MongoDB documents, applied here rather than by mingo so they keep mongod's shape:
 * `$slice` alone leaves every other field (it is neither an inclusion nor an exclusion), `$elemMatch` and the
 * positional `arr.$` include their field with the first matching element only, and each combines with inclusions
 * or exclusions.
 *
 * ```ts
 * splitOperators({ arr: { $slice: 1 } }); // { plain: {}, operators: [{ kind: '$slice', path: 'arr', arg: 1 }] }
 * ```
 */
export interface ProjectionOperator {
  kind: '$slice' | '$elemMatch' | '$';
  path: string;
  arg: unknown;
}

/** The projection's operators and its plain (0/1) entries, or undefined when it has expressions mingo must run. */
export function splitOperators(projection: Doc): { plain: Doc; operators: ProjectionOperator[] } | undefined {
  const plain: Doc = {};
  const operators: ProjectionOperator[] = [];
  for (const [key, value] of Object.entries(projection)) {
    if (key.endsWith('.$') && !key.slice(0, -2).includes('$')) {
      operators.push({ kind: '$', path: key.slice(0, -2), arg: value });
    } else if (isPlainObject(value) && Object.keys(value).length === 1 && ('$slice' in value || '$elemMatch' in value)) {
      const kind = '$slice' in value ? '$slice' : '$elemMatch';
      operators.push({ kind, path: key, arg: value[kind] });
    } else if (key.includes('$') || typeof value === 'string' || (typeof value === 'object' && value !== null)) {
      return undefined;
    } else {
      plain[key] = value;
    }
  }
  return { plain, operators };
}

/** True when the plain entries (besides `_id`) or an `$elemMatch`/positional operator make this an inclusion. */
export function isInclusion(plain: Doc, operators: readonly ProjectionOperator[]): boolean {
  if (operators.some((o) => o.kind !== '$slice')) return true;
  return Object.entries(plain).some(([key, value]) => key !== '_id' && Boolean(value));
}

/** Applies the operators to `result` (already projected by the plain entries), reading values from `source`. */
export function applyOperators(source: Doc, result: Doc, operators: readonly ProjectionOperator[], state: MatchState | undefined): void {
  for (const operator of operators) {
    const parts = splitPath(operator.path);
    const value = valueAt(source, parts);
    if (operator.kind === '$slice') {
      if (Array.isArray(value)) setAt(result, parts, slice(value, operator.arg));
    } else if (operator.kind === '$elemMatch') {
      const found = Array.isArray(value) ? value.find(elementMatcher(operator.arg)) : undefined;
      if (found === undefined) removeAt(result, parts);
      else setAt(result, parts, [deepCopy(found)]);
    } else {
      const index = state?.arrayIndex;
      if (!Array.isArray(value) || index === undefined || index >= value.length) {
        throw new MongoCommandError('Location51246', "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array");
      }
      setAt(result, parts, [deepCopy(value[index])]);
    }
  }
}

function slice(array: unknown[], arg: unknown): unknown[] {
  if (Array.isArray(arg)) {
    const [skip, limit] = arg.map(Number) as [number, number];
    if (!(limit > 0)) throw new MongoCommandError('Location', '$slice limit must be positive');
    const start = skip < 0 ? Math.max(0, array.length + skip) : skip;
    return deepCopy(array.slice(start, start + limit));
  }
  const n = Number(arg);
  if (!Number.isFinite(n)) throw new MongoCommandError('Location', '$slice only supports numbers and [skip, limit] arrays');
  return deepCopy(n < 0 ? array.slice(Math.max(0, array.length + n)) : array.slice(0, n));
}

function elementMatcher(condition: unknown): (element: unknown) => boolean {
  if (!isPlainObject(condition)) throw new MongoCommandError('BadValue', '$elemMatch needs an Object');
  if (isOperatorObject(condition) && Object.keys(condition).every((k) => !['$and', '$or', '$nor', '$expr'].includes(k))) {
    return (element) => matches({ v: element }, { v: condition });
  }
  return (element) => isPlainObject(element) && matches(element, condition);
}

function valueAt(doc: Doc, parts: readonly string[]): unknown {
  let current: unknown = doc;
  for (const part of parts) current = isPlainObject(current) ? ownField(current, part) : undefined;
  return current;
}

function setAt(doc: Doc, parts: readonly string[], value: unknown): void {
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    const next = ownField(current, part);
    if (!isPlainObject(next)) return;
    current = next;
  }
  setField(current, parts[parts.length - 1] as string, value);
}

function removeAt(doc: Doc, parts: readonly string[]): void {
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    const next = ownField(current, part);
    if (!isPlainObject(next)) return;
    current = next;
  }
  delete current[parts[parts.length - 1] as string];
}

/**
 * Dotted-path helpers shared by queries, updates, projections and indexes. Paths address nested fields
 * (`a.b.0.c`); keys containing `.` inside stored documents are kept intact because they are only ever reached by
 * iterating documents, never by splitting their keys.
 */
export type Doc = Record<string, unknown>;

const splitCache = new Map<string, readonly string[]>();

/** `'a.b.c'` -> `['a', 'b', 'c']`, memoised (the same paths recur in every query). */
export function splitPath(path: string): readonly string[] {
  let parts = splitCache.get(path);
  if (parts === undefined) {
    parts = path.split('.');
    if (splitCache.size > 10_000) splitCache.clear();
    splitCache.set(path, parts);
  }
  return parts;
}

/** True for a plain embedded document (not an array, Date, bson value or binary). */
export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A document's own field: `doc[key]`, but never a property inherited from `Object.prototype`, so `__proto__`,
 * `constructor` or `toString` in a path name fields like any other (MongoDB has no prototype) and an update can
 * never reach, let alone change, the prototype shared by every object of the process.
 */
export function ownField(doc: Doc, key: string): unknown {
  return Object.hasOwn(doc, key) ? doc[key] : undefined;
}

/** True when the string is a non-negative array index (`'0'`, `'12'`). */
export function isIndex(part: string): boolean {
  if (part.length === 0 || part.length > 9) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return part === '0' || part.charCodeAt(0) !== 48;
}

/**
 * Every value a dotted path reaches, traversing arrays the way MongoDB queries and indexes do: `a.b` over
 * `{ a: [{ b: 1 }, { b: 2 }] }` reaches 1 and 2.
 */
export function collectPathValues(doc: unknown, parts: readonly string[], start = 0, out: unknown[] = []): unknown[] {
  let current: unknown = doc;
  for (let i = start; i < parts.length; i++) {
    const part = parts[i] as string;
    if (Array.isArray(current)) {
      if (isIndex(part)) {
        collectPathValues(current[Number(part)], parts, i + 1, out);
      }
      for (const element of current) {
        if (isPlainObject(element)) collectPathValues(element, parts, i, out);
      }
      return out;
    }
    if (!isPlainObject(current)) {
      out.push(undefined);
      return out;
    }
    current = ownField(current, part);
  }
  out.push(current);
  return out;
}

/**
 * Sets an own field, also for the key `__proto__` (which plain assignment would turn into a prototype change,
 * losing the field): documents may legitimately carry any key.
 */
export function setField(target: Doc, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A deep copy of a stored value: documents and arrays are copied, bson value objects are shared (immutable). */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (isPlainObject(value)) {
    const copy: Doc = {};
    for (const key of Object.keys(value)) setField(copy, key, deepCopy(value[key]));
    return copy as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  return value;
}

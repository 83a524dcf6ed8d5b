import { MongoCommandError } from './errors.js';
import { type Doc, isIndex, isPlainObject, ownField, setField } from './paths.js';
import { matches } from './query.js';

/**
 * Where an update path lands: `a.b`, `a.0.b`, positional `a.$.b` (the index the query matched), `a.$[].b` (every
 * element) and `a.$[id].b` (elements passing the arrayFilter named `id`). Returns (parent, key) pairs, creating
 * missing intermediate documents when asked, and refusing to traverse scalars (null included: `{ a: null }` gets no
 * `a.b`) with PathNotViable as MongoDB does.
 *
 * ```ts
 * resolveTargets({ a: [{ b: 1 }, { b: 2 }] }, ['a', '$[]', 'b'], { isInsert: false }, true); // two targets
 * ```
 */
export interface TargetContext {
  isInsert: boolean;
  /** Index matched by the query, for the positional `$` operator. */
  arrayIndex?: number;
  arrayFilters?: Doc[];
}

export type Container = Doc | unknown[];
export interface Target {
  parent: Container;
  key: string;
}

/** Reads `container[key]` for documents (own fields only) and arrays alike. */
export function getChild(container: Container, key: string): unknown {
  return Array.isArray(container) ? container[Number(key)] : ownField(container, key);
}

/** Writes `container[key]`, padding arrays with null as MongoDB does. */
export function setChild(container: Container, key: string, value: unknown): void {
  if (Array.isArray(container)) {
    const index = Number(key);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    setField(container, key, value);
  }
}

/** Every (parent, key) an update path designates in `doc`. */
export function resolveTargets(doc: Doc, parts: readonly string[], context: TargetContext, create: boolean): Target[] {
  if (parts.includes('')) {
    const path = parts.join('.');
    throw new MongoCommandError('EmptyFieldName', path === '' ? 'An empty update path is not valid.' : `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  const out: Target[] = [];
  visit(doc, parts, 0, context, create, out);
  return out;
}

function keysFor(container: Container, part: string, context: TargetContext, parts: readonly string[]): string[] {
  if (part === '$') {
    if (!Array.isArray(container) || context.arrayIndex === undefined) {
      throw new MongoCommandError('BadValue', 'The positional operator did not find the match needed from the query.');
    }
    return [String(context.arrayIndex)];
  }
  if (part === '$[]' || (part.startsWith('$[') && part.endsWith(']'))) {
    if (!Array.isArray(container)) throw new MongoCommandError('BadValue', `Cannot apply array updates to non-array element ${parts.join('.')}`);
    if (part === '$[]') return container.map((_, i) => String(i));
    const id = part.slice(2, -1);
    const filter = context.arrayFilters?.find((f) => Object.keys(f).some((k) => k === id || k.startsWith(`${id}.`)));
    if (!filter) throw new MongoCommandError('BadValue', `No array filter found for identifier '${id}' in path '${parts.join('.')}'`);
    return container.flatMap((element, i) => (matches({ [id]: element }, filter) ? [String(i)] : []));
  }
  if (Array.isArray(container) && !isIndex(part)) {
    throw new MongoCommandError('PathNotViable', `Cannot create field '${part}' in element {${parts[0] ?? ''}: [...]}`);
  }
  return [part];
}

function visit(container: Container, parts: readonly string[], i: number, context: TargetContext, create: boolean, out: Target[]): void {
  const part = parts[i] as string;
  const keys = keysFor(container, part, context, parts);
  const last = i === parts.length - 1;
  for (const key of keys) {
    if (last) {
      out.push({ parent: container, key });
      continue;
    }
    let next = getChild(container, key);
    if (next === undefined) {
      if (!create) continue;
      next = {};
      setChild(container, key, next);
    }
    if (!Array.isArray(next) && !isPlainObject(next)) {
      if (!create) continue;
      throw new MongoCommandError('PathNotViable', `Cannot create field '${parts[i + 1] ?? ''}' in element {${key}: ${JSON.stringify(next)}}`);
    }
    visit(next, parts, i + 1, context, create, out);
  }
}


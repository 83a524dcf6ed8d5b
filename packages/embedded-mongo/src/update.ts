import { identical } from './compare.js';
import { MongoCommandError } from './errors.js';
import { bsonAggregator } from './mingo-context.js';
import { type Doc, deepCopy, isPlainObject, ownField, setField, splitPath } from './paths.js';
import { isOperatorObject } from './query.js';
import { operators, renamePath, setValue } from './update-operators.js';
import { orderedEntries } from './update-order.js';
import { type TargetContext, resolveTargets } from './update-targets.js';

/**
 * MongoDB update semantics: every field update operator, positional `$`, `$[]` and `$[id]` with arrayFilters,
 * replacement documents and aggregation-pipeline updates (through mingo). Paths resolve in update-targets.ts, the
 * operators themselves live in update-operators.ts; upserts start from the document built by upsert-seed.ts.
 *
 * ```ts
 * const doc = { _id: 1, tags: ['a'] };
 * applyUpdate(doc, { $push: { tags: 'b' } }, { isInsert: false }); // true, doc.tags = ['a', 'b']
 * ```
 */
/** What an update needs besides the document: insert or not (`$setOnInsert`), the positional index, arrayFilters. */
export type UpdateContext = TargetContext;

/** True when `update` is a replacement document rather than operators (or a pipeline). */
export function isReplacement(update: unknown): update is Doc {
  return isPlainObject(update) && !isOperatorObject(update);
}

/**
 * Applies `update` to `doc` in place (replacement, pipeline or operators) and reports whether it changed anything.
 * Values are stored without copying: the update belongs to the command (freshly decoded BSON), and stored documents
 * are never mutated in place, so sharing them is safe. `doc` must be mutable through every path the update names
 * (see `copyForUpdate`). Throws MongoDB-shaped errors (ImmutableField, PathNotViable, TypeMismatch, ConflictingUpdateOperators).
 */
export function applyUpdate(doc: Doc, update: unknown, context: UpdateContext): boolean {
  const before = doc._id;
  let changed: boolean;
  if (Array.isArray(update)) changed = applyPipeline(doc, update as Doc[]);
  else if (isReplacement(update)) changed = replaceDocument(doc, update);
  else changed = applyOperators(doc, update as Doc, context);
  if (before !== undefined && !identical(before, doc._id)) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return changed;
}

function replaceDocument(doc: Doc, replacement: Doc): boolean {
  const changed = !identical({ ...doc }, { _id: doc._id, ...replacement });
  const id = doc._id;
  for (const key of Object.keys(doc)) delete doc[key];
  if (id !== undefined) doc._id = id;
  for (const [key, value] of Object.entries(replacement)) setField(doc, key, value);
  return changed;
}

function applyPipeline(doc: Doc, pipeline: Doc[]): boolean {
  const [result] = bsonAggregator(pipeline).run<Doc>([deepCopy(doc)]);
  if (!result) return false;
  return replaceDocument(doc, result);
}

/**
 * Applies every (operator, path) in mongod's order (update-order.ts), so new fields land where mongod puts them;
 * existing fields keep their positions. `$setOnInsert` does nothing outside an insert.
 */
function applyOperators(doc: Doc, update: Doc, context: UpdateContext): boolean {
  checkConflicts(update);
  let changed = false;
  for (const { op, path, arg } of orderedEntries(update, context.arrayIndex)) {
    if (op === '$rename') changed = renamePath(doc, path, arg as string) || changed;
    else if (op === '$set' || (op === '$setOnInsert' && context.isInsert)) changed = setPath(doc, path, arg, context) || changed;
    else if (op !== '$setOnInsert') changed = applyOperator(doc, op, path, arg, context) || changed;
  }
  return changed;
}

/** Any operator but `$set`, `$setOnInsert` and `$rename`, on every target of `path`. */
function applyOperator(doc: Doc, op: string, path: string, arg: unknown, context: UpdateContext): boolean {
  const apply = operators[op] as (typeof operators)[string];
  const create = op !== '$unset' && op !== '$pull' && op !== '$pullAll' && op !== '$pop';
  let changed = false;
  for (const target of resolveTargets(doc, splitPath(path), context, create)) changed = apply(target, arg, context) || changed;
  return changed;
}

/**
 * `$set` of one path. Plain field names through plain sub-documents (`email`, `_mirror.watermark`), the shape of
 * nearly every write, are walked directly, without the target list resolveTargets builds; positional and `$`
 * parts, arrays, `__proto__` and scalars in the way take the general route, which owns their semantics and errors.
 */
function setPath(doc: Doc, path: string, value: unknown, context: UpdateContext): boolean {
  const parts = splitPath(path);
  const parent = plainParts(parts) ? plainParent(doc, parts) : undefined;
  if (parent === undefined) {
    let changed = false;
    for (const target of resolveTargets(doc, parts, context, true)) changed = setValue(target, value) || changed;
    return changed;
  }
  const key = parts[parts.length - 1] as string;
  const old = ownField(parent, key);
  if (old !== undefined && identical(old, value)) return false;
  parent[key] = value;
  return true;
}

/** True when no part is empty, `__proto__` or starts with `$` (positional, array filters, operator-like names). */
function plainParts(parts: readonly string[]): boolean {
  for (const part of parts) {
    if (part === '' || part === '__proto__' || part.charCodeAt(0) === 36) return false;
  }
  return true;
}

/**
 * The document holding the last part of `parts`, creating missing intermediate documents as resolveTargets does;
 * undefined when an array or a scalar (null too) is in the way (the general route handles or refuses those).
 */
function plainParent(doc: Doc, parts: readonly string[]): Doc | undefined {
  let parent = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = ownField(parent, part);
    if (next === undefined) {
      const created: Doc = {};
      parent[part] = created;
      parent = created;
    } else if (isPlainObject(next)) {
      parent = next;
    } else {
      return undefined;
    }
  }
  return parent;
}

/** Every path an operator update names (the `$rename` targets included), in statement order. */
function updatePaths(update: Doc): string[] {
  const paths: string[] = [];
  for (const op in update) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const path in fields) {
      paths.push(path);
      const target = fields[path];
      if (op === '$rename' && typeof target === 'string') paths.push(target);
    }
  }
  return paths;
}

/**
 * Rejects two paths where one equals or prefixes the other. Linear: every path and each of its dotted prefixes are
 * looked up in a Set; only when a conflict exists does the pairwise scan run, to name the same pair MongoDB names.
 */
function checkConflicts(update: Doc): void {
  const paths = updatePaths(update);
  const seen = new Set<string>();
  let conflict = false;
  for (const path of paths) {
    if (seen.has(path)) conflict = true;
    seen.add(path);
  }
  for (let i = 0; !conflict && i < paths.length; i++) {
    const path = paths[i] as string;
    for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) {
      if (seen.has(path.slice(0, dot))) {
        conflict = true;
        break;
      }
    }
  }
  if (conflict) throwFirstConflict(paths);
}

function throwFirstConflict(paths: readonly string[]): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i] as string;
      const b = paths[j] as string;
      if (a === b || b.startsWith(`${a}.`) || a.startsWith(`${b}.`)) {
        const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
        throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${longer}' would create a conflict at '${shorter}'`);
      }
    }
  }
}

/** Operators that only replace or delete the field a top-level path names, never mutating inside its old value. */
const replacingOperators = new Set(['$set', '$setOnInsert', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate', '$rename']);

/**
 * A version of the stored `doc` that `applyUpdate(copy, update, …)` may mutate without touching `doc`: a shallow copy
 * in which only the top-level fields an operator may mutate inside (dotted paths, array operators) are deep-copied;
 * every other subtree is shared with `doc`. Sound because stored documents are never mutated in place (each update
 * swaps in a new version). Replacements and pipelines only reassign top-level fields.
 *
 * ```ts
 * const next = copyForUpdate(stored, { $set: { 'a.b': 1, c: 2 } }); // next.a is a copy, next.d === stored.d
 * ```
 */
export function copyForUpdate(doc: Doc, update: unknown): Doc {
  const copy: Doc = { ...doc };
  if (Array.isArray(update) || !isPlainObject(update) || !isOperatorObject(update)) return copy;
  for (const op in update) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    const replacing = replacingOperators.has(op);
    for (const path in fields) {
      const target = fields[path];
      if (!replacing || path.includes('.')) copyRoot(doc, copy, path);
      if (op === '$rename' && typeof target === 'string' && target.includes('.')) copyRoot(doc, copy, target);
    }
  }
  return copy;
}

function copyRoot(doc: Doc, copy: Doc, path: string): void {
  const dot = path.indexOf('.');
  const root = dot === -1 ? path : path.slice(0, dot);
  if (!Object.hasOwn(doc, root)) return;
  const value = doc[root];
  if (value === copy[root] && (Array.isArray(value) || isPlainObject(value))) setField(copy, root, deepCopy(value));
}

import { Timestamp } from 'bson';
import { compareValues, identical, isNumeric, valuesEqual } from './compare.js';
import { MongoCommandError, unsupported } from './errors.js';
import { bsonAggregator } from './mingo-context.js';
import { addNumbers, multiplyNumbers } from './numeric.js';
import { type Doc, deepCopy, isPlainObject, ownField, setField, splitPath } from './paths.js';
import { isOperatorObject, matches } from './query.js';
import { sortDocuments } from './sort.js';
import { type Target, type TargetContext, getChild, resolveTargets, setChild } from './update-targets.js';

/**
 * MongoDB update semantics: every field update operator, positional `$`, `$[]` and `$[id]` with arrayFilters,
 * replacement documents and aggregation-pipeline updates (through mingo). Paths resolve in update-targets.ts; upserts
 * start from the document built by upsert-seed.ts.
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

const operators: Record<string, (target: Target, arg: unknown, context: UpdateContext) => boolean> = {
  $set: (t, arg) => setValue(t, arg),
  $setOnInsert: (t, arg, context) => context.isInsert && setValue(t, arg),
  $unset: (t) => unsetValue(t),
  $inc: (t, arg) => arithmetic(t, arg, '$inc', addNumbers, arg),
  $mul: (t, arg) => arithmetic(t, arg, '$mul', multiplyNumbers, isNumeric(arg) ? multiplyNumbers(arg, 0) : 0),
  $min: (t, arg) => minMax(t, arg, (c) => c < 0),
  $max: (t, arg) => minMax(t, arg, (c) => c > 0),
  $currentDate: (t, arg) => setValue(t, isPlainObject(arg) && arg.$type === 'timestamp' ? Timestamp.fromNumber(Math.floor(Date.now() / 1000) * 2 ** 32) : new Date()),
  $push: (t, arg) => push(t, arg),
  $addToSet: (t, arg) => addToSet(t, arg),
  $pop: (t, arg) => pop(t, arg),
  $pull: (t, arg) => pull(t, (e) => pullMatches(e, arg)),
  $pullAll: (t, arg) => {
    if (!Array.isArray(arg)) throw new MongoCommandError('BadValue', '$pullAll requires an array argument');
    return pull(t, (e) => arg.some((v) => valuesEqual(e, v)));
  },
};

function applyOperators(doc: Doc, update: Doc, context: UpdateContext): boolean {
  checkConflicts(update);
  let changed = false;
  for (const [op, fields] of Object.entries(update)) {
    if (!isPlainObject(fields)) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead`);
    if (op === '$rename') {
      changed = rename(doc, fields) || changed;
      continue;
    }
    const apply = operators[op];
    if (!apply) {
      if (op === '$bit') throw unsupported('the $bit update operator');
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (op === '$set' || (op === '$setOnInsert' && context.isInsert)) {
      for (const path in fields) changed = setPath(doc, path, fields[path], context) || changed;
      continue;
    }
    const create = op !== '$unset' && op !== '$pull' && op !== '$pullAll' && op !== '$pop';
    for (const path in fields) {
      for (const target of resolveTargets(doc, splitPath(path), context, create)) {
        changed = apply(target, fields[path], context) || changed;
      }
    }
  }
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

function setValue(target: Target, value: unknown): boolean {
  const old = getChild(target.parent, target.key);
  if (old !== undefined && identical(old, value)) return false;
  setChild(target.parent, target.key, value);
  return true;
}

function unsetValue(target: Target): boolean {
  if (Array.isArray(target.parent)) {
    const index = Number(target.key);
    if (index >= target.parent.length) return false;
    const changed = target.parent[index] !== null;
    target.parent[index] = null;
    return changed;
  }
  if (!(target.key in target.parent)) return false;
  delete target.parent[target.key];
  return true;
}

function arithmetic(target: Target, arg: unknown, op: string, combine: (a: unknown, b: unknown) => unknown, initial: unknown): boolean {
  if (!isNumeric(arg)) throw new MongoCommandError('TypeMismatch', `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${target.key}: ${JSON.stringify(arg)}}`);
  const old = getChild(target.parent, target.key);
  if (old === undefined) return setValue(target, initial);
  if (!isNumeric(old)) {
    throw new MongoCommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. The field '${target.key}' has a non-numeric type`);
  }
  return setValue(target, combine(old, arg));
}

function minMax(target: Target, arg: unknown, better: (c: number) => boolean): boolean {
  const old = getChild(target.parent, target.key);
  if (old !== undefined && !better(compareValues(arg, old))) return false;
  return setValue(target, arg);
}

function arrayAt(target: Target, op: string): unknown[] | undefined {
  const old = getChild(target.parent, target.key);
  if (old === undefined) return undefined;
  if (!Array.isArray(old)) throw new MongoCommandError('BadValue', `The field '${target.key}' must be an array but is of type ${typeof old} in ${op}`);
  return old;
}

function push(target: Target, arg: unknown): boolean {
  const modifiers = isPlainObject(arg) && '$each' in arg ? arg : undefined;
  const items = modifiers ? modifiers.$each : [arg];
  if (!Array.isArray(items)) throw new MongoCommandError('BadValue', 'The argument to $each in $push must be an array');
  const existing = arrayAt(target, '$push');
  const array = existing ?? [];
  const position = modifiers?.$position === undefined ? array.length : Number(modifiers.$position);
  const at = position < 0 ? Math.max(0, array.length + position) : Math.min(position, array.length);
  array.splice(at, 0, ...items);
  if (modifiers?.$sort !== undefined) sortArray(array, modifiers.$sort);
  if (modifiers?.$slice !== undefined) {
    const slice = Number(modifiers.$slice);
    const kept = slice >= 0 ? array.slice(0, slice) : array.slice(slice);
    array.splice(0, array.length, ...kept);
  }
  if (!existing) setChild(target.parent, target.key, array);
  return true;
}

function sortArray(array: unknown[], spec: unknown): void {
  if (typeof spec === 'number') {
    array.sort((a, b) => compareValues(a, b) * spec);
    return;
  }
  if (!isPlainObject(spec)) throw new MongoCommandError('BadValue', 'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
  const sorted = sortDocuments(array as Doc[], spec);
  array.splice(0, array.length, ...sorted);
}

function addToSet(target: Target, arg: unknown): boolean {
  const items = isPlainObject(arg) && '$each' in arg ? arg.$each : [arg];
  if (!Array.isArray(items)) throw new MongoCommandError('BadValue', 'The argument to $each in $addToSet must be an array');
  const existing = arrayAt(target, '$addToSet');
  const array = existing ?? [];
  let changed = existing === undefined;
  for (const item of items) {
    if (!array.some((e) => valuesEqual(e, item))) {
      array.push(item);
      changed = true;
    }
  }
  if (!existing) setChild(target.parent, target.key, array);
  return changed;
}

function pop(target: Target, arg: unknown): boolean {
  const array = arrayAt(target, '$pop');
  if (!array || array.length === 0) return false;
  if (Number(arg) === -1) array.shift();
  else array.pop();
  return true;
}

function pull(target: Target, remove: (element: unknown) => boolean): boolean {
  const array = arrayAt(target, '$pull');
  if (!array) return false;
  const kept = array.filter((e) => !remove(e));
  if (kept.length === array.length) return false;
  array.splice(0, array.length, ...kept);
  return true;
}

function pullMatches(element: unknown, condition: unknown): boolean {
  if (isOperatorObject(condition)) return matches({ v: element }, { v: condition });
  if (isPlainObject(condition)) return isPlainObject(element) && matches(element, condition);
  if (condition instanceof RegExp) return typeof element === 'string' && condition.test(element);
  return valuesEqual(element, condition);
}

function rename(doc: Doc, fields: Doc): boolean {
  let changed = false;
  for (const [from, to] of Object.entries(fields)) {
    if (typeof to !== 'string') throw new MongoCommandError('BadValue', `The 'to' field for $rename must be a string: ${from}: ${String(to)}`);
    const [source] = resolveTargets(doc, splitPath(from), { isInsert: false }, false);
    if (!source || getChild(source.parent, source.key) === undefined) continue;
    const value = getChild(source.parent, source.key);
    unsetValue(source);
    const [destination] = resolveTargets(doc, splitPath(to), { isInsert: false }, true);
    if (destination) setChild(destination.parent, destination.key, value);
    changed = true;
  }
  return changed;
}


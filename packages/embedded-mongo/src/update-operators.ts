import { Timestamp } from 'bson';
import { compareValues, identical, isNumeric, valuesEqual } from './compare.js';
import { MongoCommandError } from './errors.js';
import { addNumbers, multiplyNumbers } from './numeric.js';
import { type Doc, isPlainObject, splitPath } from './paths.js';
import { isOperatorObject, matches } from './query.js';
import { sortDocuments } from './sort.js';
import { type Target, type TargetContext, getChild, resolveTargets, setChild } from './update-targets.js';

/**
 * The field update operators (`$set` … `$pullAll`, `$rename`) applied to one resolved target: each returns whether it
 * changed the document, so `nModified` stays exact. update.ts resolves the targets and runs them.
 */
export const operators: Record<string, (target: Target, arg: unknown, context: TargetContext) => boolean> = {
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

export function setValue(target: Target, value: unknown): boolean {
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

/** `$rename` of one path (the destination already checked to be a string): a no-op when `from` is missing. */
export function renamePath(doc: Doc, from: string, to: string): boolean {
  const [source] = resolveTargets(doc, splitPath(from), { isInsert: false }, false);
  if (!source) return false;
  const value = getChild(source.parent, source.key);
  if (value === undefined) return false;
  unsetValue(source);
  const [destination] = resolveTargets(doc, splitPath(to), { isInsert: false }, true);
  if (destination) setChild(destination.parent, destination.key, value);
  return true;
}

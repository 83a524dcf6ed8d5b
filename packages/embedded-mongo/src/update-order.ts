import { MongoCommandError, unsupported } from './errors.js';
import { type Doc, isPlainObject, splitPath } from './paths.js';
import { operators } from './update-operators.js';

/**
 * The order in which mongod (≥ 5.0) applies the paths of an operator update, which decides where new fields land.
 * mongod merges the paths of every operator into one tree (UpdateObjectNode, src/mongo/db/update/update_object_node.h)
 * whose children sit in a `std::map` ordered by `pathsupport::cmpPathsAndArrayIndexes` (path_support.h), and applies
 * them depth first. Applying whole paths sorted component by component with that comparison gives the same order:
 *
 * - two components both starting with a digit, neither zero-padded, order by length (`2` before `10`); otherwise
 *   they compare as `std::string`s, i.e. by UTF-8 bytes;
 * - positional `$` is applied as the field the query matched, merged with a sibling of that name
 *   (UpdateObjectNode::apply), so it sorts as that index;
 * - `$[]` and `$[id]` children are merged per array element (UpdateArrayNode), so they sort as one component;
 * - `$rename` is a RenameNode at the 'to' path (plus a no-op conflict placeholder at the 'from' path), so it runs
 *   in the order of its destination; `$setOnInsert` and `$unset` take their place in the tree like any operator.
 *
 * ```ts
 * orderedEntries({ $set: { z: 1, 'q.r': 1 }, $inc: { a: 1 } }, undefined).map((e) => e.path); // ['a', 'q.r', 'z']
 * ```
 */
export interface UpdateEntry {
  op: string;
  path: string;
  /** The operator's argument; the destination path for `$rename`. */
  arg: unknown;
  /** The components the entry sorts by: of the destination for `$rename`. */
  parts: readonly string[];
}

/**
 * Every (operator, path) of `update` in mongod's order, after validating the operators as mongod parses them.
 * Leaves an already sorted statement as it is; positional and `$rename` updates are sorted each time (stable).
 */
export function orderedEntries(update: Doc, arrayIndex: number | undefined): UpdateEntry[] {
  const entries: UpdateEntry[] = [];
  for (const op in update) {
    const fields = checkedFields(op, update[op]);
    for (const path in fields) entries.push(entryFor(op, path, fields[path]));
  }
  const matched = arrayIndex === undefined ? undefined : String(arrayIndex);
  if (isSorted(entries, matched)) return entries;
  if (matched !== undefined || entries.some((e) => e.op === '$rename')) {
    return entries.sort((a, b) => comparePaths(a.parts, b.parts, matched));
  }
  return cachedOrder(entries).map((i) => entries[i] as UpdateEntry);
}

/**
 * Positions of `entries` in mongod's order, cached by the sequence of paths: the sync engine sends thousands of
 * updates of one shape (~50 fields in Stripe's order), and sorting each would add about a third to a `$set`. The key
 * joins paths with NUL, which no field name contains (`$rename` destinations, which could, are never cached).
 */
function cachedOrder(entries: readonly UpdateEntry[]): readonly number[] {
  const key = entries.map((e) => e.path).join('\0');
  let order = orderCache.get(key);
  if (order === undefined) {
    const parts = entries.map((e) => e.parts);
    order = parts.map((_, i) => i).sort((a, b) => comparePaths(parts[a] as string[], parts[b] as string[], undefined) || a - b);
    if (orderCache.size >= 1_000) orderCache.clear();
    orderCache.set(key, order);
  }
  return order;
}

const orderCache = new Map<string, readonly number[]>();

/**
 * Validates an operator update's operators before any document is read, as mongod parses the update up front: an
 * unknown modifier fails even when nothing matches.
 *
 * ```ts
 * validateOperators({ $bogus: { a: 1 } }); // throws FailedToParse "Unknown modifier: $bogus. ..."
 * ```
 */
export function validateOperators(update: Doc): void {
  for (const op in update) checkedFields(op, update[op]);
}

function checkedFields(op: string, fields: unknown): Doc {
  if (!isPlainObject(fields)) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead`);
  if (op === '$rename' || operators[op]) return fields;
  if (op === '$bit') throw unsupported('the $bit update operator');
  throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
}

function entryFor(op: string, path: string, arg: unknown): UpdateEntry {
  if (op !== '$rename') return { op, path, arg, parts: splitPath(path) };
  if (typeof arg !== 'string') throw new MongoCommandError('BadValue', `The 'to' field for $rename must be a string: ${path}: ${String(arg)}`);
  return { op, path, arg, parts: splitPath(arg) };
}

function isSorted(entries: readonly UpdateEntry[], matched: string | undefined): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (comparePaths((entries[i - 1] as UpdateEntry).parts, (entries[i] as UpdateEntry).parts, matched) > 0) return false;
  }
  return true;
}

/** Component-wise comparison; a path sorts right after its prefix (such pairs are refused as conflicts anyway). */
export function comparePaths(a: readonly string[], b: readonly string[], matched: string | undefined): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareComponents(sortName(a[i] as string, matched), sortName(b[i] as string, matched));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** The name a component sorts as: `$` as the matched index, every `$[…]` as one merged child. */
function sortName(part: string, matched: string | undefined): string {
  if (part.charCodeAt(0) !== 36) return part;
  if (part === '$') return matched ?? part;
  return part.startsWith('$[') && part.endsWith(']') ? '$[]' : part;
}

/** `pathsupport::cmpPathsAndArrayIndexes` as a three-way comparison. */
export function compareComponents(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length !== b.length && numberLike(a) && numberLike(b)) return a.length - b.length;
  return compareUtf8(a, b);
}

/** Starts with a digit and is not zero-padded (`0` itself counts): compared by length first. */
function numberLike(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 48 && first <= 57 && (first !== 48 || name.length === 1);
}

/** `std::string` order of the UTF-8 encodings, i.e. code point order (UTF-16 units differ only past U+D7FF). */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (U+D800–DFFF, code points past U+FFFF) above U+E000–FFFF, keeping each group's order. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

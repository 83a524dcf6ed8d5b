import { Query } from 'mingo/query';
import { bsonTag } from './bson-tag.js';
import { TypeRank, compareValues, isNumeric, typeRank, valuesEqual } from './compare.js';
import { MongoCommandError, unsupported } from './errors.js';
import { context } from './mingo-context.js';
import { type Doc, isIndex, isPlainObject, ownField, splitPath } from './paths.js';

/**
 * MongoDB query matching with MongoDB's comparison rules (see compare.ts). Written here rather than taken from mingo
 * because mingo compares `Long`/`Decimal128` as strings and has no hook for a custom comparator; mingo still
 * evaluates `$expr` aggregation expressions.
 *
 * ```ts
 * matches({ a: [1, 5] }, { a: { $gt: 4 } }); // true
 * ```
 */

/** Filled in while matching: the array index the positional `$` update operator refers to. */
export interface MatchState {
  arrayIndex?: number;
}

type Predicate = (value: unknown) => boolean;

/** True when `doc` satisfies `filter`. */
export function matches(doc: Doc, filter: Doc, state?: MatchState): boolean {
  for (const key in filter) {
    const condition = filter[key];
    if (key.charCodeAt(0) === 36 /* $ */) {
      if (!matchTopLevelOperator(doc, key, condition, state)) return false;
    } else if (!matchField(doc, key, condition, state)) {
      return false;
    }
  }
  return true;
}

/** The clauses of `$and`/`$or`/`$nor`, checked as mongod checks them. */
export function clauses(operator: string, value: unknown): Doc[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new MongoCommandError('BadValue', `${operator} must be a nonempty array`);
  }
  for (const clause of value) {
    if (!isPlainObject(clause)) throw new MongoCommandError('BadValue', `${operator} argument's entries must be objects`);
  }
  return value as Doc[];
}

function matchTopLevelOperator(doc: Doc, operator: string, value: unknown, state?: MatchState): boolean {
  switch (operator) {
    case '$and':
      return clauses(operator, value).every((clause) => matches(doc, clause, state));
    case '$or':
      return clauses(operator, value).some((clause) => matches(doc, clause, state));
    case '$nor':
      return !clauses(operator, value).some((clause) => matches(doc, clause));
    case '$comment':
      return true;
    case '$expr':
      return new Query({ $expr: value }, { context }).test(doc);
    case '$text':
      throw unsupported('$text search');
    case '$where':
      throw unsupported('$where');
    case '$jsonSchema':
      throw unsupported('$jsonSchema');
    default:
      throw new MongoCommandError('BadValue', `unknown top level operator: ${operator}`);
  }
}

/** True for `{ $op: ... }` condition objects (as opposed to a literal embedded document). */
export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  for (const key in value) return key.charCodeAt(0) === 36;
  return false;
}

function matchField(doc: Doc, path: string, condition: unknown, state?: MatchState): boolean {
  const parts = splitPath(path);
  if (isOperatorObject(condition)) {
    if ('$regex' in condition) {
      const regex = toRegExp(condition.$regex, condition.$options);
      if (!anyValue(doc, parts, (v) => regexMatches(regex, v), state)) return false;
    }
    for (const op in condition) {
      if (op === '$regex' || op === '$options') continue;
      if (!matchOperator(doc, parts, op, condition[op], state)) return false;
    }
    return true;
  }
  if (isRegex(condition)) return anyValue(doc, parts, (v) => regexMatches(toRegExp(condition), v), state);
  return anyValue(doc, parts, equalsPredicate(condition), state);
}

function equalsPredicate(target: unknown): Predicate {
  if (target === null) return (v) => v === null || v === undefined;
  return (v) => valuesEqual(v, target);
}

function comparisonPredicate(target: unknown, test: (c: number) => boolean): Predicate {
  const rank = typeRank(target);
  if (rank === TypeRank.MinKey || rank === TypeRank.MaxKey) return (v) => test(compareValues(v, target));
  return (v) => typeRank(v) === rank && test(compareValues(v, target));
}

function matchOperator(doc: Doc, parts: readonly string[], op: string, arg: unknown, state?: MatchState): boolean {
  switch (op) {
    case '$eq':
      return anyValue(doc, parts, equalsPredicate(arg), state);
    case '$ne':
      return !anyValue(doc, parts, equalsPredicate(arg));
    case '$gt':
      return anyValue(doc, parts, comparisonPredicate(arg, (c) => c > 0), state);
    case '$gte':
      return anyValue(doc, parts, comparisonPredicate(arg, (c) => c >= 0), state);
    case '$lt':
      return anyValue(doc, parts, comparisonPredicate(arg, (c) => c < 0), state);
    case '$lte':
      return anyValue(doc, parts, comparisonPredicate(arg, (c) => c <= 0), state);
    case '$in':
      return anyValue(doc, parts, inPredicate(arg), state);
    case '$nin':
      return !anyValue(doc, parts, inPredicate(arg));
    case '$exists':
      return anyValue(doc, parts, (v) => v !== undefined, undefined, false) === Boolean(arg);
    case '$type':
      return anyValue(doc, parts, typePredicate(arg), state);
    case '$size':
      return anyValue(doc, parts, (v) => Array.isArray(v) && v.length === Number(arg), state, false);
    case '$all':
      return allMatches(doc, parts, arg, state);
    case '$elemMatch':
      return anyValue(doc, parts, elemMatchPredicate(arg), state, false);
    case '$not':
      return !notMatches(doc, parts, arg);
    case '$mod':
      return anyValue(doc, parts, modPredicate(arg), state);
    case '$comment':
      return true;
    case '$options':
      throw new MongoCommandError('BadValue', '$options needs a $regex');
    default:
      if (/^\$(geo|near|within|box|center|polygon|bits)/i.test(op)) throw unsupported(`the ${op} query operator`);
      throw new MongoCommandError('BadValue', `unknown operator: ${op}`);
  }
}

function notMatches(doc: Doc, parts: readonly string[], arg: unknown): boolean {
  if (isRegex(arg)) return anyValue(doc, parts, (v) => regexMatches(toRegExp(arg), v));
  if (!isOperatorObject(arg)) throw new MongoCommandError('BadValue', '$not needs a regex or a document');
  return matchField(doc, parts.join('.'), arg);
}

function inPredicate(arg: unknown): Predicate {
  if (!Array.isArray(arg)) throw new MongoCommandError('BadValue', '$in needs an array');
  const tests = arg.map((t) => (isRegex(t) ? (v: unknown) => regexMatches(toRegExp(t), v) : equalsPredicate(t)));
  return (v) => tests.some((test) => test(v));
}

function allMatches(doc: Doc, parts: readonly string[], arg: unknown, state?: MatchState): boolean {
  if (!Array.isArray(arg)) throw new MongoCommandError('BadValue', '$all needs an array');
  if (arg.length === 0) return false;
  return arg.every((t) => {
    if (isPlainObject(t) && '$elemMatch' in t) return anyValue(doc, parts, elemMatchPredicate(t.$elemMatch), state, false);
    return anyValue(doc, parts, isRegex(t) ? (v) => regexMatches(toRegExp(t), v) : equalsPredicate(t), state);
  });
}

function elemMatchPredicate(arg: unknown): Predicate {
  if (!isPlainObject(arg)) throw new MongoCommandError('BadValue', '$elemMatch needs an Object');
  const keys = Object.keys(arg);
  const valueOperators = keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k));
  return (v) => {
    if (!Array.isArray(v)) return false;
    return v.some((element) => {
      if (valueOperators) return matches({ v: element }, { v: arg });
      return isPlainObject(element) && matches(element, arg);
    });
  };
}

function modPredicate(arg: unknown): Predicate {
  if (!Array.isArray(arg) || arg.length !== 2) throw new MongoCommandError('BadValue', 'malformed mod, needs [divisor, remainder]');
  const divisor = Number(arg[0]);
  const remainder = Number(arg[1]);
  if (divisor === 0) throw new MongoCommandError('BadValue', 'divisor cannot be 0');
  return (v) => isNumeric(v) && Math.trunc(Number(v)) % divisor === remainder;
}

const typeAliases: Record<string, number[]> = {
  double: [1], string: [2], object: [3], array: [4], binData: [5], undefined: [6], objectId: [7], bool: [8], date: [9],
  null: [10], regex: [11], javascript: [13], symbol: [14], int: [16], timestamp: [17], long: [18], decimal: [19],
  minKey: [-1], maxKey: [127], number: [1, 16, 18, 19],
};

/** The BSON type number of a stored value. */
export function bsonTypeNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= 0x7fffffff ? 16 : 1;
  const rank = typeRank(v);
  const tag = bsonTag(v);
  const byTag: Record<string, number> = { Long: 18, Decimal128: 19, Int32: 16, Double: 1, Timestamp: 17, MinKey: -1, MaxKey: 127, BSONSymbol: 14, Code: 13 };
  if (tag !== undefined && byTag[tag] !== undefined) return byTag[tag];
  const byRank: Record<number, number> = {
    [TypeRank.String]: 2, [TypeRank.Object]: 3, [TypeRank.Array]: 4, [TypeRank.Binary]: 5, [TypeRank.ObjectId]: 7,
    [TypeRank.Boolean]: 8, [TypeRank.Date]: 9, [TypeRank.RegExp]: 11,
  };
  if (v === null) return 10;
  return byRank[rank] ?? 3;
}

function typePredicate(arg: unknown): Predicate {
  const wanted = (Array.isArray(arg) ? arg : [arg]).flatMap((t) => {
    if (typeof t === 'number') return [t];
    const numbers = typeAliases[String(t)];
    if (!numbers) throw new MongoCommandError('BadValue', `Unknown type name alias: ${String(t)}`);
    return numbers;
  });
  return (v) => v !== undefined && wanted.includes(bsonTypeNumber(v));
}

function isRegex(value: unknown): boolean {
  return value instanceof RegExp || bsonTag(value) === 'BSONRegExp';
}

function toRegExp(pattern: unknown, options?: unknown): RegExp {
  if (pattern instanceof RegExp) return options === undefined ? pattern : compileRegExp(pattern.source, jsFlags(String(options)));
  if (bsonTag(pattern) === 'BSONRegExp') {
    const r = pattern as { pattern: string; options: string };
    return compileRegExp(r.pattern, jsFlags(String(options ?? r.options)));
  }
  if (typeof pattern !== 'string') throw new MongoCommandError('BadValue', '$regex has to be a string');
  return compileRegExp(pattern, jsFlags(String(options ?? '')));
}

function jsFlags(options: string): string {
  if (options.includes('x')) throw unsupported('the regex option x');
  return [...new Set(options.split(''))].filter((f) => 'ims'.includes(f)).join('');
}

function compileRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new MongoCommandError('BadValue', `Regular expression is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function regexMatches(regex: RegExp, value: unknown): boolean {
  if (typeof value === 'string') return regex.test(value);
  if (bsonTag(value) === 'BSONSymbol') return regex.test(String(value));
  if (isRegex(value)) return String(value) === String(regex);
  return false;
}

/**
 * True when some value reached by `parts` satisfies `test`. Arrays at the end of the path are tested element by
 * element and as a whole (when `expand`), as MongoDB does; the index of a matching element is recorded for `$`.
 */
function anyValue(doc: unknown, parts: readonly string[], test: Predicate, state?: MatchState, expand = true): boolean {
  return walk(doc, parts, 0, test, state, undefined, expand);
}

function walk(value: unknown, parts: readonly string[], i: number, test: Predicate, state: MatchState | undefined, index: number | undefined, expand: boolean): boolean {
  if (i === parts.length) {
    if (expand && Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) {
        if (test(value[j])) return record(state, index ?? j);
      }
    }
    return test(value) && record(state, index);
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (isIndex(part) && walk(value[Number(part)], parts, i + 1, test, state, index, expand)) return true;
    for (let j = 0; j < value.length; j++) {
      const element = value[j];
      if (isPlainObject(element) && walk(element, parts, i, test, state, index ?? j, expand)) return true;
    }
    return false;
  }
  if (isPlainObject(value)) return walk(ownField(value, part), parts, i + 1, test, state, index, expand);
  return walk(undefined, parts, parts.length, test, state, index, expand);
}

function record(state: MatchState | undefined, index: number | undefined): true {
  if (state && index !== undefined && state.arrayIndex === undefined) state.arrayIndex = index;
  return true;
}

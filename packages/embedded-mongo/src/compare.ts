import type { Long } from 'bson';
import { bsonTag } from './bson-tag.js';
import { compareNumbers, numericKey } from './numbers.js';

/**
 * MongoDB's comparison semantics: the cross-type sort order (MinKey < null < numbers < strings < objects < arrays <
 * binary < ObjectId < booleans < dates < timestamps < regular expressions < MaxKey) and exact numeric comparison
 * across int32, int64 (`Long`), double and `Decimal128`. mingo compares `Long`/`Decimal128` as strings, so every
 * query, sort and index in the embedded server goes through these functions instead.
 *
 * ```ts
 * compareValues(Long.fromNumber(10), 9.5) > 0; // true
 * ```
 */

/** Ranks of BSON type brackets, in MongoDB's comparison order. */
export const TypeRank = {
  MinKey: 1,
  Null: 2,
  Number: 3,
  String: 4,
  Object: 5,
  Array: 6,
  Binary: 7,
  ObjectId: 8,
  Boolean: 9,
  Date: 10,
  Timestamp: 11,
  RegExp: 12,
  Code: 13,
  MaxKey: 14,
} as const;

const bsonTagRank: Record<string, number> = {
  Long: TypeRank.Number,
  Int32: TypeRank.Number,
  Double: TypeRank.Number,
  Decimal128: TypeRank.Number,
  BSONSymbol: TypeRank.String,
  Binary: TypeRank.Binary,
  ObjectId: TypeRank.ObjectId,
  Timestamp: TypeRank.Timestamp,
  BSONRegExp: TypeRank.RegExp,
  Code: TypeRank.Code,
  MinKey: TypeRank.MinKey,
  MaxKey: TypeRank.MaxKey,
  DBRef: TypeRank.Object,
};

/** The comparison bracket of a value (missing and null share one). */
export function typeRank(value: unknown): number {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return TypeRank.Number;
    case 'string':
      return TypeRank.String;
    case 'boolean':
      return TypeRank.Boolean;
    case 'undefined':
      return TypeRank.Null;
    case 'object': {
      if (value === null) return TypeRank.Null;
      if (Array.isArray(value)) return TypeRank.Array;
      if (value instanceof Date) return TypeRank.Date;
      if (value instanceof RegExp) return TypeRank.RegExp;
      if (value instanceof Uint8Array) return TypeRank.Binary;
      const tag = bsonTag(value);
      if (tag !== undefined) return bsonTagRank[tag] ?? TypeRank.Object;
      return TypeRank.Object;
    }
    default:
      return TypeRank.Object;
  }
}

/** True for int32, int64, double and Decimal128 values. */
export function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint' || (typeRank(value) === TypeRank.Number && value !== null);
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

function compareBytes(a: unknown, b: unknown): number {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  const subtypeDiff = subtypeOf(a) - subtypeOf(b);
  if (subtypeDiff !== 0) return Math.sign(subtypeDiff);
  return Buffer.compare(x, y);
}

function bytesOf(value: unknown): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer?: Uint8Array; position?: number };
  const bytes = binary.buffer ?? new Uint8Array();
  return Buffer.from(bytes.buffer, bytes.byteOffset, binary.position ?? bytes.byteLength);
}

function subtypeOf(value: unknown): number {
  return (value as { sub_type?: number }).sub_type ?? 0;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  const n = Math.min(ak.length, bk.length);
  for (let i = 0; i < n; i++) {
    const ka = ak[i] as string;
    const kb = bk[i] as string;
    const va = a[ka];
    const vb = b[kb];
    const rank = typeRank(va) - typeRank(vb);
    if (rank !== 0) return Math.sign(rank);
    const names = compareStrings(ka, kb);
    if (names !== 0) return names;
    const values = compareValues(va, vb);
    if (values !== 0) return values;
  }
  return Math.sign(ak.length - bk.length);
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** MongoDB's total order over BSON values (the order used by sort and by index keys). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case TypeRank.Null:
    case TypeRank.MinKey:
    case TypeRank.MaxKey:
      return 0;
    case TypeRank.Number:
      return compareNumbers(a, b);
    case TypeRank.String:
      return compareStrings(String(a), String(b));
    case TypeRank.Boolean:
      return a === b ? 0 : a ? 1 : -1;
    case TypeRank.Date:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case TypeRank.ObjectId:
      return compareStrings((a as { toHexString(): string }).toHexString(), (b as { toHexString(): string }).toHexString());
    case TypeRank.Timestamp: {
      const x = (a as Long).toBigInt();
      const y = (b as Long).toBigInt();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeRank.Binary:
      return compareBytes(a, b);
    case TypeRank.Array:
      return compareArrays(a as unknown[], b as unknown[]);
    case TypeRank.RegExp:
      return compareStrings(regexText(a), regexText(b));
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
}

function regexText(value: unknown): string {
  if (value instanceof RegExp) return `${value.source}/${value.flags}`;
  const r = value as { pattern: string; options: string };
  return `${r.pattern}/${r.options}`;
}

/** MongoDB equality: same bracket and equal by `compareValues` (so `1`, `Long(1)` and `Decimal128("1.0")` are equal). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/** Exact equality including the numeric type: used to decide whether an update modified a document. */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'object' && a !== null && b !== null) {
    if (bsonTag(a) !== bsonTag(b) || Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => identical(v, (b as unknown[])[i]));
    if (bsonTag(a) === undefined && !(a instanceof Date) && !(a instanceof Uint8Array)) {
      const ak = Object.keys(a);
      const bo = b as Record<string, unknown>;
      const bk = Object.keys(bo);
      return ak.length === bk.length && ak.every((k, i) => k === bk[i] && identical((a as Record<string, unknown>)[k], bo[k]));
    }
  }
  return compareValues(a, b) === 0 && typeRank(a) === typeRank(b);
}

/**
 * A string identifying a value up to MongoDB equality: equal values (across numeric types too) give equal keys.
 * Used for the `_id` map and unique indexes.
 */
export function keyString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return Number.isSafeInteger(value) ? `n${value}` : numericKey(value);
    case 'boolean':
      return value ? 'bt' : 'bf';
    case 'undefined':
      return 'z';
    default:
      break;
  }
  if (value === null) return 'z';
  if (Array.isArray(value)) return `a[${value.map(keyString).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  const rank = typeRank(value);
  if (rank === TypeRank.Number) return numericKey(value);
  if (rank === TypeRank.ObjectId) return `o${(value as { toHexString(): string }).toHexString()}`;
  if (rank === TypeRank.String) return `s${String(value)}`;
  if (rank === TypeRank.Binary) return `x${subtypeOf(value)}:${bytesOf(value).toString('hex')}`;
  if (rank === TypeRank.Object) {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}:${keyString(v)}`);
    return `{${entries.join(',')}}`;
  }
  return `${rank}:${String(value)}`;
}

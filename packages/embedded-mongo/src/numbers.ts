import type { Decimal128, Long } from 'bson';
import { bsonTag } from './bson-tag.js';

/**
 * Exact views of BSON numbers: every finite int32, int64, double or Decimal128 as a fraction of bigints, so values of
 * different numeric types compare and hash exactly (a double is a binary fraction, a Decimal128 a decimal one).
 *
 * ```ts
 * compareNumbers(Long.fromString('9007199254740993'), 9007199254740992); // 1
 * ```
 */
/** An exact rational view of a finite number: num / den, den > 0. */
export interface Exact {
  kind: 'finite';
  num: bigint;
  den: bigint;
}
export type NumberView = Exact | { kind: 'nan' } | { kind: 'inf'; sign: 1 | -1 };

function doubleView(n: number): NumberView {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', sign: n > 0 ? 1 : -1 };
  if (Number.isInteger(n)) return { kind: 'finite', num: BigInt(n), den: 1n };
  let scaled = n;
  let den = 1n;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    den *= 2n;
  }
  return { kind: 'finite', num: BigInt(scaled), den };
}

/** The exact view of a decimal string such as `'1.5E+3'` (Decimal128 text, or a double printed by JavaScript). */
export function decimalView(text: string): NumberView {
  if (/nan/i.test(text)) return { kind: 'nan' };
  if (/inf/i.test(text)) return { kind: 'inf', sign: text.startsWith('-') ? -1 : 1 };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return { kind: 'nan' };
  const digits = `${match[2] ?? ''}${match[3] ?? ''}` || '0';
  const exponent = Number(match[4] ?? '0') - (match[3]?.length ?? 0);
  let num = BigInt(digits) * (match[1] === '-' ? -1n : 1n);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return { kind: 'finite', num, den };
}

/** The exact view of any numeric BSON value. */
export function numberView(value: unknown): NumberView {
  if (typeof value === 'number') return doubleView(value);
  if (typeof value === 'bigint') return { kind: 'finite', num: value, den: 1n };
  const tag = bsonTag(value);
  if (tag === 'Long') return { kind: 'finite', num: (value as Long).toBigInt(), den: 1n };
  if (tag === 'Decimal128') return decimalView((value as Decimal128).toString());
  if (tag === 'Int32' || tag === 'Double') return doubleView((value as { value: number }).value);
  return { kind: 'nan' };
}

/** Compares two numeric values of any BSON numeric type exactly (NaN sorts below every other number). */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
  }
  const x = numberView(a);
  const y = numberView(b);
  if (x.kind === 'nan' || y.kind === 'nan') return x.kind === y.kind ? 0 : x.kind === 'nan' ? -1 : 1;
  if (x.kind === 'inf' || y.kind === 'inf') {
    const xs = x.kind === 'inf' ? x.sign * 2 : 0;
    const ys = y.kind === 'inf' ? y.sign * 2 : 0;
    return Math.sign(xs - ys);
  }
  const left = x.num * y.den;
  const right = y.num * x.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The numeric part of `keyString`: equal numbers of any type give the same string. */
export function numericKey(value: unknown): string {
  const view = numberView(value);
  if (view.kind !== 'finite') return view.kind === 'nan' ? 'nNaN' : `n${view.sign}Inf`;
  if (view.den === 1n) return `n${view.num}`;
  const g = gcd(view.num < 0n ? -view.num : view.num, view.den);
  const den = view.den / g;
  return den === 1n ? `n${view.num / g}` : `n${view.num / g}/${den}`;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

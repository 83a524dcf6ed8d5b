import { Decimal128, Long } from 'bson';
import { bsonTag } from './bson-tag.js';
import { isNumeric } from './compare.js';
import { decimalView, type Exact, numberView } from './numbers.js';
import { MongoCommandError } from './errors.js';

/**
 * Arithmetic for `$inc` and `$mul` that keeps MongoDB's result types: double with double stays a JS number, int32
 * with int32 past the int32 range becomes int64 (`Long`), int64 with an integer stays `Long`, and anything with
 * `Decimal128` is computed exactly in decimal.
 *
 * ```ts
 * addNumbers(Long.fromNumber(1), 2); // Long(3)
 * addNumbers(2147483647, 1); // Long(2147483648)
 * ```
 */
export function addNumbers(a: unknown, b: unknown): unknown {
  return combine(a, b, (x, y) => x + y, (x, y) => {
    const den = x.den > y.den ? x.den : y.den;
    return { kind: 'finite', num: x.num * (den / x.den) + y.num * (den / y.den), den };
  });
}

/** `a * b` with MongoDB's result types (see addNumbers). */
export function multiplyNumbers(a: unknown, b: unknown): unknown {
  return combine(a, b, (x, y) => x * y, (x, y) => ({ kind: 'finite', num: x.num * y.num, den: x.den * y.den }));
}

function combine(a: unknown, b: unknown, onDoubles: (x: number, y: number) => number, onExact: (x: Exact, y: Exact) => Exact): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const result = onDoubles(a, b);
    if (!isInt32(a) || !isInt32(b) || isInt32(result)) return result;
    const exact = onExact(numberView(a) as Exact, numberView(b) as Exact);
    return Long.fromBigInt(BigInt.asIntN(64, exact.num / exact.den));
  }
  if (!isNumeric(a) || !isNumeric(b)) throw new MongoCommandError('TypeMismatch', 'Cannot apply arithmetic to a non-numeric value');
  const ta = bsonTag(a);
  const tb = bsonTag(b);
  if (ta === 'Decimal128' || tb === 'Decimal128') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    if (!x || !y) return Decimal128.fromString(String(onDoubles(Number(String(a)), Number(String(b)))));
    return Decimal128.fromString(exactToDecimalString(onExact(x, y)));
  }
  const x = numberView(a);
  const y = numberView(b);
  const integral = x.kind === 'finite' && y.kind === 'finite' && x.den === 1n && y.den === 1n;
  if (integral && (ta === 'Long' || tb === 'Long')) {
    const result = onExact(x, y);
    return Long.fromBigInt(BigInt.asIntN(64, result.num / result.den));
  }
  return onDoubles(toDouble(a), toDouble(b));
}

/** A JS number the server stores as int32 (see bsonTypeNumber): int32 arithmetic that overflows gives int64. */
function isInt32(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff;
}

function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  return Number(String(value));
}

function asDecimal(value: unknown): Exact | undefined {
  const view = bsonTag(value) === 'Decimal128' ? decimalView(String(value)) : typeof value === 'number' ? decimalView(String(value)) : numberView(value);
  return view.kind === 'finite' ? view : undefined;
}

/** Renders num/den (den a power of ten, so the sum above can use the larger denominator) as a decimal string. */
function exactToDecimalString(value: Exact): string {
  let scale = 0;
  let den = value.den;
  while (den % 10n === 0n) {
    den /= 10n;
    scale++;
  }
  const negative = value.num < 0n;
  const magnitude = (negative ? -value.num : value.num) / den;
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

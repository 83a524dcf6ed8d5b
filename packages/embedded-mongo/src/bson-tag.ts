/**
 * The `_bsontype` tag of a bson class instance (`'Long'`, `'Decimal128'`, `'ObjectId'`...), or undefined for plain
 * values: how the embedded server tells BSON value classes apart without `instanceof` across bson copies.
 *
 * ```ts
 * bsonTag(Long.fromNumber(1)); // 'Long'
 * ```
 */
export function bsonTag(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

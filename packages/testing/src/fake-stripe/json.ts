/** JSON values as the fake stores and serves them: exactly what `JSON.stringify` writes back out. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/**
 * A Stripe object as the fake keeps it: any JSON object with Stripe's `id` and `object` fields. Stored objects are
 * treated as immutable: every change builds a new object, so list pages, event snapshots and objects shared between
 * generated records never change under a reader.
 */
export interface StripeObjectLike extends JsonObject {
  id: string;
  object: string;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a string field, or `null` when it is absent or not a string. */
export function stringField(object: JsonObject, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' ? value : null;
}

/** Reads a numeric field, or `0` when it is absent or not a number. */
export function numberField(object: JsonObject, key: string): number {
  const value = object[key];
  return typeof value === 'number' ? value : 0;
}

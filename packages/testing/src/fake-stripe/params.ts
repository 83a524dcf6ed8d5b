import { missingParam } from './http-errors.js';
import type { Params, ParamValue } from './form.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';

/** Parameters sent as strings that Stripe types as integers even where the template's sample value is null. */
const NUMERIC = new Set([
  'amount', 'amount_off', 'application_fee_amount', 'balance', 'cancel_at', 'days_until_due', 'due_date',
  'duration_in_months', 'exp_month', 'exp_year', 'expires_at', 'interval_count', 'max_redemptions', 'percent_off',
  'percentage', 'quantity', 'redeem_by', 'trial_end', 'trial_period_days', 'unit_amount',
]);
const BOOLEAN = new Set(['active', 'auto_advance', 'cancel_at_period_end', 'capture', 'confirm', 'inclusive', 'livemode']);

/**
 * Applies update/create params to an object the way Stripe does: only fields the object has are set; `''` unsets a
 * field (null); `metadata[k]=''` deletes one key and `metadata=''` clears all; nested hashes (`address[city]`) merge
 * into the existing sub-object; strings become numbers and booleans where the field is one. Returns a new object;
 * the target is left untouched (stored objects are immutable).
 *
 * ```ts
 * applyParams(customer, { email: 'a@example.com', metadata: { plan: 'pro' } }, { skip: ['payment_method'] })
 * ```
 */
export function applyParams(target: JsonObject, params: Params, options: { skip?: readonly string[] } = {}): JsonObject {
  const next: JsonObject = { ...target };
  for (const [key, value] of Object.entries(params)) {
    if (key === 'expand' || options.skip?.includes(key) || !(key in target)) continue;
    next[key] = key === 'metadata' ? mergeMetadata(target.metadata, value) : mergeValue(key, target[key] ?? null, value);
  }
  return next;
}

/** A param converted to JSON with the same coercions as {@link applyParams}, for fields the fake builds itself. */
export function toJson(key: string, value: ParamValue, like: Json = null): Json {
  if (typeof value === 'string') return coerce(key, value, like);
  if (Array.isArray(value)) return value.map((item) => toJson(key, item));
  const out: JsonObject = {};
  const shape = isJsonObject(like) ? like : {};
  for (const [childKey, child] of Object.entries(value)) out[childKey] = toJson(childKey, child, shape[childKey] ?? null);
  return out;
}

function mergeValue(key: string, current: Json, value: ParamValue): Json {
  if (typeof value === 'string' || Array.isArray(value)) return toJson(key, value, current);
  if (!isJsonObject(current)) return toJson(key, value, current);
  const next: JsonObject = { ...current };
  for (const [childKey, child] of Object.entries(value)) next[childKey] = mergeValue(childKey, current[childKey] ?? null, child);
  return next;
}

function mergeMetadata(current: Json | undefined, value: ParamValue): JsonObject {
  if (typeof value === 'string' || Array.isArray(value)) return {};
  const next: JsonObject = isJsonObject(current) ? { ...current } : {};
  for (const [key, child] of Object.entries(value)) {
    if (child === '') delete next[key];
    else if (typeof child === 'string') next[key] = child;
  }
  return next;
}

function coerce(key: string, value: string, like: Json): Json {
  if (value === '') return null;
  if (typeof like === 'boolean' || BOOLEAN.has(key)) return value === 'true';
  if ((typeof like === 'number' || NUMERIC.has(key)) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** A required string param, or Stripe's `parameter_missing` error. */
export function requireString(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw missingParam(key);
  return value;
}

/** An optional string param (empty counts as absent). */
export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An optional integer param. */
export function optionalNumber(params: Params, key: string): number | undefined {
  const value = optionalString(params, key);
  return value === undefined ? undefined : Number(value);
}

/** An optional boolean param (`'true'`/`'false'`). */
export function optionalBoolean(params: Params, key: string): boolean | undefined {
  const value = optionalString(params, key);
  return value === undefined ? undefined : value === 'true';
}

/** A nested hash param, or an empty one. */
export function hashParam(params: Params, key: string): Params {
  const value = params[key];
  return typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** An array param (`items[0][price]`), or an empty one. */
export function arrayParam(params: Params, key: string): ParamValue[] {
  const value = params[key];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return Object.values(value);
  return [];
}

import { OBJECT_TYPES } from './generated/object-types.js';
import { LEGACY_EXPANDABLE } from './legacy-expandable.js';

const cache = new Map<string, readonly string[]>();

/**
 * Expandable field paths of an object type: the generated table plus the legacy table, so old and current payload
 * shapes both store ids. What `mirror.sync` hands the sync engine.
 *
 * ```ts
 * expandableFields('invoice'); // ['customer', …, 'subscription', 'charge', …]
 * ```
 */
export function expandableFields(objectType: string): readonly string[] {
  const cached = cache.get(objectType);
  if (cached) return cached;
  const generated = Object.hasOwn(OBJECT_TYPES, objectType) ? OBJECT_TYPES[objectType] : undefined;
  const legacy = Object.hasOwn(LEGACY_EXPANDABLE, objectType) ? LEGACY_EXPANDABLE[objectType] : undefined;
  const fields = [...new Set([...(generated?.expandable ?? []), ...(legacy ?? [])])];
  if (generated || legacy) cache.set(objectType, fields);
  return fields;
}

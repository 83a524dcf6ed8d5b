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
  const fields = [...new Set([...(OBJECT_TYPES[objectType]?.expandable ?? []), ...(LEGACY_EXPANDABLE[objectType] ?? [])])];
  if (OBJECT_TYPES[objectType] || LEGACY_EXPANDABLE[objectType]) cache.set(objectType, fields);
  return fields;
}

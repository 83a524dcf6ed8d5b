import { SyncInputError } from './errors.js';
import type { PlainObject } from './types.js';

/** A Stripe object found in the input, normalized for storage (expanded objects at expandable paths -> ids). */
export interface ExtractedDocument {
  readonly id: string;
  readonly objectType: string;
  readonly fields: PlainObject;
  readonly tombstone: boolean;
}

export interface ExtractOptions {
  readonly expandableFields: (objectType: string) => readonly string[];
  readonly maxDepth: number;
  readonly maxObjects: number;
}

/** Nesting of plain JSON (not of documents) beyond which a payload is refused rather than walked (cycles included). */
const MAX_JSON_NESTING = 64;

/** Field names the mirror reserves on stored documents; a payload carrying one was not sent by Stripe. */
const RESERVED_FIELDS = new Set(['_id', '_mirror', 'stripeAccount']);

/**
 * Walks Stripe objects and returns every document they contain, the objects passed and nested ones alike, each
 * document before the ones nested in it:
 *
 * - at the expandable paths of an object's type (dotted, also through arrays), an expanded object (one with a
 *   string `id`) is replaced by its id and becomes its own document; an expanded list (`{ object: 'list', data }`,
 *   e.g. `customer.subscriptions`) is removed from the parent (the models expose it as a relation) and its items
 *   become documents;
 * - anywhere else, an object with a string `id` and `object` (an item of an embedded list such as
 *   `subscription.items`, or `subscription_item.price`, `customer.discount`) stays in place, normalized the same
 *   way, and also becomes its own document;
 * - objects without an `id` nested somewhere are kept in place as plain data.
 *
 * `tombstoneRoots` marks the objects passed (not nested ones) as deleted; a `{ deleted: true }` payload is a
 * tombstone at any level. Throws {@link SyncInputError} on invalid input or when `maxDepth` / `maxObjects` is
 * exceeded. The input is never mutated.
 *
 * ```ts
 * extractDocuments([{ id: 'sub_1', object: 'subscription', customer: { id: 'cus_1', object: 'customer' } }], false,
 *   { expandableFields: () => ['customer'], maxDepth: 8, maxObjects: 10_000 });
 * // -> [{ id: 'sub_1', fields: { ..., customer: 'cus_1' } }, { id: 'cus_1', ... }]
 * ```
 */
export function extractDocuments(
  objects: readonly unknown[],
  tombstoneRoots: boolean,
  options: ExtractOptions,
): ExtractedDocument[] {
  const extractor = new Extractor(options);
  objects.forEach((object, index) => extractor.document(object, `objects[${index}]`, 0, tombstoneRoots));
  return extractor.documents;
}

class Extractor {
  readonly documents: ExtractedDocument[] = [];

  constructor(private readonly options: ExtractOptions) {}

  /** Validates and normalizes one Stripe object, records it (before the documents nested in it), returns its fields. */
  document(value: unknown, where: string, depth: number, tombstone: boolean): PlainObject {
    if (!isPlainObject(value)) throw new SyncInputError(where, `expected a Stripe object, got ${describe(value)}`);
    const objectType = value.object;
    if (typeof objectType !== 'string' || objectType === '') {
      throw new SyncInputError(where, 'missing a string `object` field (the Stripe type, e.g. "customer")');
    }
    const id = value.id;
    if (typeof id !== 'string' || id === '') {
      throw new SyncInputError(`${where} (${objectType})`, 'missing a string `id`; only objects with an id can be stored');
    }
    const label = depth === 0 ? `${objectType} ${id}` : `${where} (${objectType} ${id})`;
    if (depth > this.options.maxDepth) {
      throw new SyncInputError(label, `objects nest deeper than maxDepth (${this.options.maxDepth})`);
    }
    if (this.documents.length >= this.options.maxObjects) {
      throw new SyncInputError(label, `more than maxObjects (${this.options.maxObjects}) objects in one call`);
    }
    checkFieldNames(value, label);

    const fields: PlainObject = { ...value };
    this.documents.push({ id, objectType, fields, tombstone: tombstone || value.deleted === true });
    for (const path of this.options.expandableFields(objectType)) {
      this.expandAt(fields, path.split('.'), label, depth);
    }
    for (const [key, nested] of Object.entries(fields)) {
      fields[key] = this.nested(nested, `${label} → ${key}`, depth, 1);
    }
    return fields;
  }

  /** Follows one expandable path inside `container` (a copy owned by the caller), copying what it changes. */
  private expandAt(container: PlainObject, segments: readonly string[], where: string, depth: number): void {
    const [head, ...rest] = segments;
    if (head === undefined || !Object.hasOwn(container, head)) return;
    const value = container[head];
    const here = `${where} → ${head}`;
    if (rest.length === 0) {
      if (isList(value)) {
        delete container[head];
        value.data.forEach((item, index) => this.expanded(item, `${here}.data[${index}]`, depth));
      } else if (Array.isArray(value)) {
        container[head] = value.map((item: unknown, index) => this.expanded(item, `${here}[${index}]`, depth));
      } else {
        container[head] = this.expanded(value, here, depth);
      }
      return;
    }
    if (Array.isArray(value)) {
      container[head] = value.map((item: unknown) => this.descend(item, rest, here, depth));
    } else {
      container[head] = this.descend(value, rest, here, depth);
    }
  }

  private descend(value: unknown, rest: readonly string[], where: string, depth: number): unknown {
    if (!isPlainObject(value)) return value;
    const copy = { ...value };
    this.expandAt(copy, rest, where, depth);
    return copy;
  }

  /** An expanded object becomes its own document and its id; anything else (an id already, null) is kept. */
  private expanded(value: unknown, where: string, depth: number): unknown {
    if (!isPlainObject(value) || typeof value.id !== 'string') return value;
    this.document(value, where, depth + 1, false);
    return value.id;
  }

  /** Copies plain data, turning every nested Stripe object into a document (kept in place, normalized). */
  private nested(value: unknown, where: string, depth: number, nesting: number): unknown {
    if (nesting > MAX_JSON_NESTING) {
      throw new SyncInputError(where, `data nests deeper than ${MAX_JSON_NESTING} levels (a cycle?)`);
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown, index) => this.nested(item, `${where}[${index}]`, depth, nesting + 1));
    }
    if (!isPlainObject(value)) return value;
    if (typeof value.id === 'string' && typeof value.object === 'string' && value.object !== 'list') {
      return this.document(value, where, depth + 1, false);
    }
    const copy: PlainObject = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.nested(item, `${where}.${key}`, depth, nesting + 1);
    return copy;
  }
}

/**
 * Top-level names are written as `$set` paths, so one MongoDB would read as an operator (`$…`) or a dotted path
 * (`a.b`) is refused; nested names (metadata keys) are plain data and may contain anything.
 */
function checkFieldNames(value: PlainObject, label: string): void {
  for (const key of Object.keys(value)) {
    if (key === '' || key.startsWith('$') || key.includes('.')) {
      throw new SyncInputError(label, `top-level field name ${JSON.stringify(key)} cannot be stored (empty, starts with "$" or contains ".")`);
    }
    if (RESERVED_FIELDS.has(key)) {
      throw new SyncInputError(label, `field "${key}" is reserved by the mirror; pass Stripe data, not a stored document`);
    }
  }
}

/** A JSON object (not an array, Date, ObjectId, class instance, …). */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isList(value: unknown): value is PlainObject & { data: unknown[] } {
  return isPlainObject(value) && value.object === 'list' && Array.isArray(value.data);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof value}`;
}

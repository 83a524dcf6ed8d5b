import { SyncInputError } from './errors.js';
import type { PlainObject } from './types.js';
import { MAX_JSON_NESTING } from './limits.js';

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


/** Stripe's type names: lower-case words joined by `_` and `.` (`customer`, `checkout.session`, `v2.core.account`). */
const STRIPE_TYPE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * Whether `name` can be a Stripe type: the shape of Stripe's names, and never a name every JavaScript object answers
 * to (`constructor`, `toString`, `__proto__`, …), which would reach built-ins wherever a type keys a lookup table.
 */
function isStripeTypeName(name: string): boolean {
  return STRIPE_TYPE_NAME.test(name) && !(name in Object.prototype);
}

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
 * exceeded. The input is never mutated: what a document changes (ids for expanded objects, removed lists) is
 * copied on write, and everything else is shared with the input rather than deep-copied.
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
  objects.forEach((object, index) => extractor.document(object, new Where(undefined, 'root', index), 0, tombstoneRoots));
  return extractor.documents;
}

/** An {@link ExtractedDocument} while it is built: recorded first, its normalized fields filled in afterwards. */
interface PendingDocument extends ExtractedDocument {
  fields: PlainObject;
}

class Extractor {
  readonly documents: PendingDocument[] = [];

  constructor(private readonly options: ExtractOptions) {}

  /**
   * Validates and normalizes one Stripe object, records it (before the documents nested in it), returns its fields:
   * the object itself when nothing in it changes, otherwise a copy.
   */
  document(value: unknown, where: Where, depth: number, tombstone: boolean): PlainObject {
    if (!isPlainObject(value)) throw new SyncInputError(String(where), `expected a Stripe object, got ${describe(value)}`);
    const objectType = value.object;
    if (typeof objectType !== 'string' || objectType === '') {
      throw new SyncInputError(String(where), 'missing a string `object` field (the Stripe type, e.g. "customer")');
    }
    if (!isStripeTypeName(objectType)) {
      throw new SyncInputError(String(where), `\`object\` ${JSON.stringify(objectType.slice(0, 64))} is not a Stripe type name (lower-case words joined by _ and .)`);
    }
    const id = value.id;
    if (typeof id !== 'string' || id === '') {
      throw new SyncInputError(`${String(where)} (${objectType})`, 'missing a string `id`; only objects with an id can be stored');
    }
    const label = new Where(depth === 0 ? undefined : where, 'document', objectType, id);
    if (depth > this.options.maxDepth) {
      throw new SyncInputError(String(label), `objects nest deeper than maxDepth (${this.options.maxDepth})`);
    }
    if (this.documents.length >= this.options.maxObjects) {
      throw new SyncInputError(String(label), `more than maxObjects (${this.options.maxObjects}) objects in one call`);
    }
    const keys = Object.keys(value);
    checkFieldNames(keys, label);

    const pending: PendingDocument = { id, objectType, fields: value, tombstone: tombstone || value.deleted === true };
    this.documents.push(pending);
    const draft = new Draft(value);
    for (const path of this.options.expandableFields(objectType)) this.expandAt(draft, segmentsOf(path), 0, label, depth);
    const expanded = draft.result();
    for (const key of expanded === value ? keys : Object.keys(expanded)) {
      const item = expanded[key];
      const normalized = this.child(item, label, 'arrow', key, depth, 1);
      if (normalized !== item) draft.set(key, normalized);
    }
    pending.fields = draft.result();
    return pending.fields;
  }

  /**
   * Follows one expandable path (`segments` from `index` on) inside `container`, replacing expanded objects by their
   * ids (copy on write).
   */
  private expandAt(container: Draft, segments: readonly string[], index: number, where: Where, depth: number): void {
    const head = segments[index];
    if (head === undefined || !container.has(head)) return;
    const value = container.get(head);
    const here = new Where(where, 'arrow', head);
    if (index === segments.length - 1) {
      if (isList(value)) {
        container.delete(head);
        value.data.forEach((item, position) => this.expanded(item, new Where(here, 'dataIndex', position), depth));
        return;
      }
      container.setIfChanged(head, Array.isArray(value)
        ? mapUnchanged(value, (item, position) => this.expanded(item, new Where(here, 'index', position), depth))
        : this.expanded(value, here, depth));
      return;
    }
    container.setIfChanged(head, Array.isArray(value)
      ? mapUnchanged(value, (item) => this.descend(item, segments, index + 1, here, depth))
      : this.descend(value, segments, index + 1, here, depth));
  }

  private descend(value: unknown, segments: readonly string[], index: number, where: Where, depth: number): unknown {
    if (!isPlainObject(value)) return value;
    const draft = new Draft(value);
    this.expandAt(draft, segments, index, where, depth);
    return draft.result();
  }

  /** An expanded object becomes its own document and its id; anything else (an id already, null) is kept. */
  private expanded(value: unknown, where: Where, depth: number): unknown {
    if (!isPlainObject(value) || typeof value.id !== 'string') return value;
    this.document(value, where, depth + 1, false);
    return value.id;
  }

  /** `parent[key]` normalized: scalars as they are, containers through {@link nested} (its location built only then). */
  private child(value: unknown, parent: Where, step: Step, key: string | number, depth: number, nesting: number): unknown {
    if (typeof value === 'object' && value !== null) return this.nested(value, new Where(parent, step, key), depth, nesting);
    if (nesting > MAX_JSON_NESTING) this.tooDeep(new Where(parent, step, key));
    return value;
  }

  /** Plain data with every nested Stripe object turned into a document (kept in place, normalized); copied on write. */
  private nested(value: object, where: Where, depth: number, nesting: number): unknown {
    if (nesting > MAX_JSON_NESTING) this.tooDeep(where);
    if (Array.isArray(value)) {
      return mapUnchanged(value as unknown[], (item, index) => this.child(item, where, 'index', index, depth, nesting + 1));
    }
    if (!isPlainObject(value)) return value;
    if (typeof value.id === 'string' && typeof value.object === 'string' && value.object !== 'list') {
      return this.document(value, where, depth + 1, false);
    }
    const draft = new Draft(value);
    for (const key of Object.keys(value)) {
      const item = value[key];
      const normalized = this.child(item, where, 'dot', key, depth, nesting + 1);
      if (normalized !== item) draft.set(key, normalized);
    }
    return draft.result();
  }

  private tooDeep(where: Where): never {
    throw new SyncInputError(String(where), `data nests deeper than ${MAX_JSON_NESTING} levels (a cycle?)`);
  }
}

/** How a {@link Where} continues its parent's location. */
type Step = 'root' | 'document' | 'arrow' | 'dot' | 'index' | 'dataIndex';

/**
 * A location in the input, e.g. `customer cus_1 → subscriptions.data[0] (subscription sub_1) → items`: a parent
 * link plus one step, rendered by `toString()` only when an error is thrown, so walking valid input builds no strings.
 */
class Where {
  /** For a `document` step, `key` is the object type; `id` is its id. */
  constructor(
    private readonly parent: Where | undefined,
    private readonly step: Step,
    private readonly key: string | number,
    private readonly id = '',
  ) {}

  toString(): string {
    const parent = this.parent === undefined ? '' : this.parent.toString();
    switch (this.step) {
      case 'root': return `objects[${this.key}]`;
      case 'document': return this.parent === undefined ? `${this.key} ${this.id}` : `${parent} (${this.key} ${this.id})`;
      case 'arrow': return `${parent} → ${this.key}`;
      case 'dot': return `${parent}.${this.key}`;
      case 'index': return `${parent}[${this.key}]`;
      case 'dataIndex': return `${parent}.data[${this.key}]`;
    }
  }
}

/** A plain object changed copy on write: the original until the first actual change, never the caller's input. */
class Draft {
  private copy: PlainObject | undefined;

  constructor(private readonly original: PlainObject) {}

  has(key: string): boolean {
    return Object.hasOwn(this.copy ?? this.original, key);
  }

  get(key: string): unknown {
    return (this.copy ?? this.original)[key];
  }

  set(key: string, value: unknown): void {
    this.copy ??= { ...this.original };
    this.copy[key] = value;
  }

  setIfChanged(key: string, value: unknown): void {
    if (this.get(key) !== value) this.set(key, value);
  }

  delete(key: string): void {
    this.copy ??= { ...this.original };
    delete this.copy[key];
  }

  result(): PlainObject {
    return this.copy ?? this.original;
  }
}

/** `array.map(map)`, but the array itself when every item maps to itself. */
function mapUnchanged<T>(array: readonly T[], map: (item: T, index: number) => unknown): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let index = 0; index < array.length; index++) {
    const item = array[index] as T;
    const mapped = map(item, index);
    if (mapped !== item) (copy ??= [...array])[index] = mapped;
  }
  return copy ?? array;
}

const segmentCache = new Map<string, readonly string[]>();

/** `path.split('.')`, once per expandable path (paths come from the models' static configuration). */
function segmentsOf(path: string): readonly string[] {
  let segments = segmentCache.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    segmentCache.set(path, segments);
  }
  return segments;
}

/**
 * Top-level names are written as `$set` paths, so one MongoDB would read as an operator (`$…`) or a dotted path
 * (`a.b`) is refused; nested names (metadata keys) are plain data and may contain anything.
 */
function checkFieldNames(keys: readonly string[], label: Where): void {
  for (const key of keys) {
    if (key === '' || key.startsWith('$') || key.includes('.')) {
      throw new SyncInputError(String(label), `top-level field name ${JSON.stringify(key)} cannot be stored (empty, starts with "$" or contains ".")`);
    }
    if (RESERVED_FIELDS.has(key)) {
      throw new SyncInputError(String(label), `field "${key}" is reserved by the mirror; pass Stripe data, not a stored document`);
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

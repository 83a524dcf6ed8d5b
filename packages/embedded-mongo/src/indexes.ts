import { bsonTag } from './bson-tag.js';
import { keyString } from './compare.js';
import { MongoCommandError } from './errors.js';
import { type Doc, collectPathValues, isPlainObject, splitPath } from './paths.js';
import { matches } from './query.js';

/** An index as listIndexes reports it (`v`, `key`, `name` and the options it was created with). */
export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
}

interface IndexKey {
  text: string;
  values: unknown[];
}

/**
 * A unique index: a map from key to the `_id` key of the document holding it, enforcing uniqueness the way MongoDB
 * does (missing fields index as null unless sparse; partial indexes skip documents outside their filter; array
 * fields index each element).
 *
 * ```ts
 * new UniqueIndex('db.coll', { v: 2, key: { email: 1 }, name: 'email_1', unique: true });
 * ```
 */
export class UniqueIndex {
  readonly spec: IndexSpec;
  private readonly ns: string;
  private readonly fields: { path: string; parts: readonly string[] }[];
  private readonly entries = new Map<string, string>();

  constructor(ns: string, spec: IndexSpec) {
    this.ns = ns;
    this.spec = spec;
    this.fields = Object.keys(spec.key).map((path) => ({ path, parts: splitPath(path) }));
  }

  /** Throws E11000 when `doc` (stored under `idKey`) collides with another document. */
  check(doc: Doc, idKey: string): void {
    for (const key of this.keysOf(doc)) {
      const owner = this.entries.get(key.text);
      if (owner !== undefined && owner !== idKey) throw duplicateKeyError(this.ns, this.spec, key.values);
    }
  }

  add(doc: Doc, idKey: string): void {
    for (const key of this.keysOf(doc)) this.entries.set(key.text, idKey);
  }

  remove(doc: Doc, idKey: string): void {
    for (const key of this.keysOf(doc)) if (this.entries.get(key.text) === idKey) this.entries.delete(key.text);
  }

  private keysOf(doc: Doc): IndexKey[] {
    if (this.spec.partialFilterExpression && !matches(doc, this.spec.partialFilterExpression)) return [];
    const perField = this.fields.map((field) =>
      collectPathValues(doc, field.parts).flatMap((v) => (Array.isArray(v) ? (v.length === 0 ? [undefined] : v) : [v])),
    );
    if (this.spec.sparse && perField.every((values) => values.every((v) => v === undefined))) return [];
    let keys: IndexKey[] = [{ text: '', values: [] }];
    for (const values of perField) {
      const distinct = values.length === 0 ? [undefined] : values;
      keys = keys.flatMap((k) => distinct.map((v) => ({ text: `${k.text}|${keyString(v)}`, values: [...k.values, v === undefined ? null : v] })));
    }
    return keys;
  }
}

/**
 * The E11000 error MongoDB raises, with `keyPattern` and `keyValue`. Built without a stack trace: stale guarded
 * upserts end here by the thousand, the error only ever becomes a reply, and capturing stacks dominated its cost.
 */
export function duplicateKeyError(ns: string, spec: IndexSpec, values: unknown[]): MongoCommandError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return buildDuplicateKeyError(ns, spec, values);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function buildDuplicateKeyError(ns: string, spec: IndexSpec, values: unknown[]): MongoCommandError {
  const fields = Object.keys(spec.key);
  const keyValue: Doc = {};
  const keyPattern: Doc = {};
  fields.forEach((field, i) => {
    keyPattern[field] = spec.key[field];
    keyValue[field] = values[i] ?? null;
  });
  const shown = fields.map((field, i) => `${field}: ${formatValue(values[i] ?? null)}`).join(', ');
  return new MongoCommandError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${shown} }`, {
    keyPattern,
    keyValue,
  });
}

/** Renders a value the way mongod prints it in error messages. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  const tag = bsonTag(value);
  if (tag === 'ObjectId') return `ObjectId('${String(value)}')`;
  if (tag === 'Long' || tag === 'Decimal128' || tag === 'Int32' || tag === 'Double') return String(value);
  if (isPlainObject(value)) return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ')} }`;
  return String(value);
}

/** Default name of an index: `a_1_b_-1`. */
export function indexName(key: Doc): string {
  return Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join('_');
}

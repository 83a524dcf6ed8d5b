import { keyString } from './compare.js';
import { MongoCommandError, unsupported } from './errors.js';
import { type Doc, isPlainObject } from './paths.js';
import { validateFilter } from './filter-check.js';
import { type MatchState, isOperatorObject, matches } from './query.js';
import { topDocuments } from './sort.js';
import type { Collection, Storage } from './storage.js';
import { applyUpdate, copyForUpdate, isReplacement } from './update.js';
import { validateOperators } from './update-order.js';
import { seedFromFilter, withIdFirst } from './upsert-seed.js';

/**
 * The document-level operations behind the CRUD commands: select (using the `_id` map when the filter pins `_id`,
 * a scan otherwise), update with upsert, and delete. Stored documents are never mutated in place: updates build a
 * new version and swap it in, so open cursors keep a consistent snapshot and aborted transactions can restore.
 *
 * ```ts
 * const result = updateDocuments(storage, 'db', 'coll', { q: { _id: 'x' }, u: { $set: { a: 1 } }, upsert: true });
 * ```
 */
export interface Selected {
  doc: Doc;
  state: MatchState;
}

/** The filter's pinned `_id` values when it is `{ _id: v }` or `{ _id: { $in: [...] } }` (plus other conditions). */
function pinnedIds(filter: Doc): unknown[] | undefined {
  if (!('_id' in filter)) return undefined;
  const id = filter._id;
  if (id instanceof RegExp) return undefined;
  if (!isOperatorObject(id)) return isPlainObject(id) || Array.isArray(id) ? undefined : [id];
  const keys = Object.keys(id);
  if (keys.length !== 1) return undefined;
  if ('$eq' in id && !isPlainObject(id.$eq) && !Array.isArray(id.$eq) && !(id.$eq instanceof RegExp)) return [id.$eq];
  if ('$in' in id && Array.isArray(id.$in) && id.$in.every((v) => !isPlainObject(v) && !Array.isArray(v) && !(v instanceof RegExp))) return id.$in;
  return undefined;
}

/** Documents matching `filter`, in natural order (or `sort` order), at most `limit` of them (0 = all). */
export function selectDocuments(collection: Collection | undefined, filter: Doc, options: { limit?: number; sort?: Doc } = {}): Selected[] {
  validateFilter(filter);
  if (!collection) return [];
  const ids = pinnedIds(filter);
  const source: Iterable<Doc> = ids ? uniqueById(collection, ids) : collection.docs.values();
  if (options.sort) return topDocuments(matching(source, filter, 0), options.sort, options.limit ?? 0, (s) => s.doc);
  return [...matching(source, filter, options.limit ?? 0)];
}

function* matching(source: Iterable<Doc>, filter: Doc, limit: number): Iterable<Selected> {
  let found = 0;
  for (const doc of source) {
    const state: MatchState = {};
    if (!matches(doc, filter, state)) continue;
    yield { doc, state };
    found++;
    if (limit > 0 && found >= limit) return;
  }
}

function* uniqueById(collection: Collection, ids: unknown[]): Iterable<Doc> {
  const seen = new Set<string>();
  for (const id of ids) {
    const key = keyString(id);
    if (seen.has(key)) continue;
    seen.add(key);
    const doc = collection.docs.get(key);
    if (doc) yield doc;
  }
}

/** One update statement as the `update` command carries it. */
export interface UpdateSpec {
  q: Doc;
  u: unknown;
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Doc[];
  sort?: Doc;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  /** Versions of the (first) affected document, for findAndModify. */
  before?: Doc;
  after?: Doc;
}

/** Applies one update statement: every match (multi) or the first, or an upsert when nothing matches. */
export function updateDocuments(storage: Storage, db: string, name: string, spec: UpdateSpec): UpdateOutcome {
  if (!isPlainObject(spec.q)) throw new MongoCommandError('FailedToParse', 'the update query must be an object');
  if (spec.multi && isReplacement(spec.u)) throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  if (isPlainObject(spec.u) && !isReplacement(spec.u)) validateOperators(spec.u);
  let collection = storage.collection(db, name);
  const selected = selectDocuments(collection, spec.q, { limit: spec.multi ? 0 : 1, ...(spec.sort ? { sort: spec.sort } : {}) });
  if (selected.length === 0) {
    if (!spec.upsert) return { matched: 0, modified: 0 };
    collection ??= storage.collection(db, name, { create: true });
    return upsert(collection, spec);
  }
  const target = collection as Collection;
  let modified = 0;
  const outcome: UpdateOutcome = { matched: selected.length, modified: 0 };
  for (const { doc, state } of selected) {
    const next = copyForUpdate(doc, spec.u);
    const changed = applyUpdate(next, spec.u, { isInsert: false, ...arrayContext(state, spec) });
    if (changed) {
      target.replace(doc, next);
      modified++;
    }
    if (outcome.before === undefined) {
      outcome.before = doc;
      outcome.after = changed ? next : doc;
    }
  }
  outcome.modified = modified;
  return outcome;
}

function arrayContext(state: MatchState, spec: UpdateSpec): { arrayIndex?: number; arrayFilters?: Doc[] } {
  return {
    ...(state.arrayIndex !== undefined ? { arrayIndex: state.arrayIndex } : {}),
    ...(spec.arrayFilters ? { arrayFilters: spec.arrayFilters } : {}),
  };
}

function upsert(collection: Collection, spec: UpdateSpec): UpdateOutcome {
  let doc: Doc;
  if (isReplacement(spec.u)) {
    const seed = seedFromFilter(spec.q);
    doc = { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...spec.u };
  } else {
    doc = seedFromFilter(spec.q);
    applyUpdate(doc, spec.u, { isInsert: true, ...(spec.arrayFilters ? { arrayFilters: spec.arrayFilters } : {}) });
  }
  doc = withIdFirst(doc);
  collection.insert(doc);
  return { matched: 0, modified: 0, upsertedId: doc._id, after: doc };
}

/** Deletes the first match (limit 1) or every match (limit 0); returns the deleted documents. */
export function deleteDocuments(collection: Collection | undefined, filter: Doc, limit: number, sort?: Doc): Doc[] {
  if (!isPlainObject(filter)) throw new MongoCommandError('FailedToParse', 'the delete query must be an object');
  const selected = selectDocuments(collection, filter, { limit, ...(sort ? { sort } : {}) });
  for (const { doc } of selected) collection?.remove(doc);
  return selected.map((s) => s.doc);
}

/**
 * Refuses options the embedded server cannot honour (a non-simple collation) and checks a `hint` against the
 * collection's indexes: a hint naming no index fails as on mongod; one naming a plain index changes nothing here
 * (every read scans), but a sparse or partial index would change the result, so that is refused.
 *
 * ```ts
 * refuseUnsupportedOptions({ find: 'c', hint: 'missing_1' }, collection); // throws BadValue
 * ```
 */
export function refuseUnsupportedOptions(spec: Doc, collection: Collection | undefined): void {
  const collation = spec.collation;
  if (isPlainObject(collation) && collation.locale !== undefined && collation.locale !== 'simple') {
    throw unsupported('collation');
  }
  if (spec.hint !== undefined && collection) checkHint(spec.hint, collection);
}

function checkHint(hint: unknown, collection: Collection): void {
  if (isPlainObject(hint) && Object.keys(hint).length === 0) return;
  if (isPlainObject(hint) && '$natural' in hint) return;
  const key = isPlainObject(hint) ? keyString(hint) : undefined;
  const index = collection.indexes.find((spec) => (key === undefined ? spec.name === hint : keyString(spec.key) === key));
  if (!index) throw new MongoCommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  if (index.sparse || index.partialFilterExpression) throw unsupported('a hint naming a sparse or partial index');
}

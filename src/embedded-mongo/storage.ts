import { keyString } from './compare.js';
import { MongoCommandError } from './errors.js';
import { type IndexSpec, UniqueIndex, duplicateKeyError } from './indexes.js';
import type { Doc } from './paths.js';

/** Undo step recorded while a transaction is open; run in reverse order on abort. */
export type UndoStep = () => void;

const idIndexSpec: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * One collection: documents in a Map keyed by their `_id` (MongoDB equality, see `keyString`), in insertion
 * (natural) order, plus index metadata and unique-index maps. All mutations go through insert/replace/remove so
 * indexes and the transaction undo log stay consistent.
 *
 * ```ts
 * const coll = storage.collection('db', 'users', { create: true });
 * coll.insert({ _id: 'u1', email: 'a@b.c' });
 * ```
 */
export class Collection {
  readonly db: string;
  readonly name: string;
  readonly docs = new Map<string, Doc>();
  readonly indexes: IndexSpec[] = [idIndexSpec];
  readonly options: Doc;
  private unique: UniqueIndex[] = [];
  private readonly storage: Storage;

  constructor(storage: Storage, db: string, name: string, options: Doc = {}) {
    this.storage = storage;
    this.db = db;
    this.name = name;
    this.options = options;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Looks a document up by `_id`. */
  get(id: unknown): Doc | undefined {
    return this.docs.get(keyString(id));
  }

  /** Inserts a new document (which must have `_id`), enforcing every unique index. */
  insert(doc: Doc): void {
    const idKey = keyString(doc._id);
    if (this.docs.has(idKey)) throw duplicateKeyError(this.ns, idIndexSpec, [doc._id]);
    for (const index of this.unique) index.check(doc, idKey);
    for (const index of this.unique) index.add(doc, idKey);
    this.docs.set(idKey, doc);
    this.storage.record(() => this.removeUnlogged(idKey));
  }

  /** Replaces a stored document by its updated version (same `_id`), enforcing unique indexes. */
  replace(previous: Doc, next: Doc): void {
    const idKey = keyString(previous._id);
    for (const index of this.unique) index.check(next, idKey);
    for (const index of this.unique) index.remove(previous, idKey);
    for (const index of this.unique) index.add(next, idKey);
    this.docs.set(idKey, next);
    this.storage.record(() => this.replaceUnlogged(next, previous));
  }

  /** Removes a document. */
  remove(doc: Doc): void {
    const idKey = keyString(doc._id);
    if (!this.removeUnlogged(idKey)) return;
    this.storage.record(() => this.reinsertUnlogged(idKey, doc));
  }

  /** Adds an index; unique ones are checked against existing documents first. Returns false when it exists. */
  createIndex(spec: IndexSpec): boolean {
    const existing = this.indexes.find((i) => i.name === spec.name);
    const sameKey = this.indexes.find((i) => JSON.stringify(i.key) === JSON.stringify(spec.key));
    if (existing || sameKey) {
      const other = existing ?? sameKey;
      if (other && JSON.stringify(other.key) === JSON.stringify(spec.key) && Boolean(other.unique) === Boolean(spec.unique) && other.name === spec.name) return false;
      if (existing && JSON.stringify(existing.key) !== JSON.stringify(spec.key)) {
        throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`);
      }
      throw new MongoCommandError('IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(other)}`);
    }
    if (spec.unique) {
      const index = new UniqueIndex(this.ns, spec);
      for (const [idKey, doc] of this.docs) {
        index.check(doc, idKey);
        index.add(doc, idKey);
      }
      this.unique.push(index);
    }
    this.indexes.push(spec);
    return true;
  }

  /** Drops an index by name (or `'*'` for all but `_id_`). */
  dropIndex(name: string): void {
    if (name === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    const keep = (spec: IndexSpec): boolean => spec.name === '_id_' || (name !== '*' && spec.name !== name);
    if (name !== '*' && !this.indexes.some((i) => i.name === name)) {
      throw new MongoCommandError('IndexNotFound', `index not found with name [${name}]`);
    }
    const kept = this.indexes.filter(keep);
    this.indexes.splice(0, this.indexes.length, ...kept);
    this.unique = this.unique.filter((u) => keep(u.spec));
  }

  private removeUnlogged(idKey: string): boolean {
    const doc = this.docs.get(idKey);
    if (!doc) return false;
    for (const index of this.unique) index.remove(doc, idKey);
    this.docs.delete(idKey);
    return true;
  }

  private reinsertUnlogged(idKey: string, doc: Doc): void {
    for (const index of this.unique) index.add(doc, idKey);
    this.docs.set(idKey, doc);
  }

  private replaceUnlogged(current: Doc, restored: Doc): void {
    const idKey = keyString(current._id);
    for (const index of this.unique) index.remove(current, idKey);
    for (const index of this.unique) index.add(restored, idKey);
    this.docs.set(idKey, restored);
  }
}

/** Every database of the server: `db name -> collection name -> Collection`, plus the open transaction's undo log. */
export class Storage {
  readonly databases = new Map<string, Map<string, Collection>>();
  /** Set while a command of an open transaction runs: mutations push their undo step here. */
  journal: UndoStep[] | undefined;

  record(step: UndoStep): void {
    this.journal?.push(step);
  }

  /** The collection, created (with its `_id_` index) when `create` is set and it does not exist. */
  collection(db: string, name: string, options: { create: true; collectionOptions?: Doc }): Collection;
  collection(db: string, name: string, options?: { create?: boolean }): Collection | undefined;
  collection(db: string, name: string, options: { create?: boolean; collectionOptions?: Doc } = {}): Collection | undefined {
    let database = this.databases.get(db);
    let collection = database?.get(name);
    if (collection || !options.create) return collection;
    if (name.length === 0 || name.includes('$') || name.startsWith('system.')) {
      throw new MongoCommandError('InvalidOptions', `Invalid collection name: ${name}`);
    }
    if (!database) {
      database = new Map();
      this.databases.set(db, database);
    }
    collection = new Collection(this, db, name, options.collectionOptions);
    database.set(name, collection);
    const created = database;
    this.record(() => created.delete(name));
    return collection;
  }

  /** Drops a collection; returns false when it did not exist. */
  dropCollection(db: string, name: string): boolean {
    const database = this.databases.get(db);
    const collection = database?.get(name);
    if (!database || !collection) return false;
    database.delete(name);
    this.record(() => database.set(name, collection));
    return true;
  }

  /** Moves a collection (documents and indexes) to a new namespace. */
  renameCollection(from: { db: string; name: string }, to: { db: string; name: string }, dropTarget: boolean): void {
    const source = this.collection(from.db, from.name);
    if (!source) throw new MongoCommandError('NamespaceNotFound', `Source collection ${from.db}.${from.name} does not exist`);
    if (this.collection(to.db, to.name)) {
      if (!dropTarget) throw new MongoCommandError('NamespaceExists', `Target collection ${to.db}.${to.name} already exists`);
      this.dropCollection(to.db, to.name);
    }
    const target = this.collection(to.db, to.name, { create: true, collectionOptions: source.options });
    for (const spec of source.indexes) if (spec.name !== '_id_') target.createIndex(spec);
    for (const doc of source.docs.values()) target.insert(doc);
    this.dropCollection(from.db, from.name);
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }
}

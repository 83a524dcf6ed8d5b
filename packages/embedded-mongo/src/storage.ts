import { keyString } from './compare.js';
import { MongoCommandError } from './errors.js';
import { type IndexSpec, UniqueIndex, duplicateKeyError } from './indexes.js';
import type { Doc } from './paths.js';
import { RawDocument } from './raw-document.js';

/** Undo step recorded while a transaction is open; run in reverse order on abort. */
export type UndoStep = () => void;

/**
 * One recorded mutation of an open transaction: `undo` reverses it (abort, or hiding the transaction's writes from
 * a command outside it), `redo` applies it again; `key` names the document written (`ns` NUL `_id` key), so
 * two transactions writing one document can be detected as a write conflict.
 */
export interface JournalEntry {
  undo: UndoStep;
  redo: UndoStep;
  key: string | undefined;
}

const idIndexSpec: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * A collection's documents by `_id` key, where an entry may still be a `RawDocument` (inserted bytes not decoded
 * yet). Reading an entry (`get`, `values`, `entries`, iteration, `forEach`) decodes it once and puts the decoded
 * document in its place, so callers only ever see decoded documents; `has`, `size`, `keys` and `delete` never
 * decode. Materializing is not a visible mutation: the raw entry had no object anyone could hold.
 */
export class DocumentMap extends Map<string, Doc> {
  /** How many entries are still raw: at 0, reads take Map's own (faster) iterators. */
  private raw = 0;

  /** Stores an undecoded document. */
  setRaw(key: string, raw: RawDocument): void {
    this.forget(key);
    super.set(key, raw as unknown as Doc);
    this.raw++;
  }

  override set(key: string, doc: Doc): this {
    this.forget(key);
    return super.set(key, doc);
  }

  override delete(key: string): boolean {
    this.forget(key);
    return super.delete(key);
  }

  override clear(): void {
    this.raw = 0;
    super.clear();
  }

  override get(key: string): Doc | undefined {
    return this.materialize(key, super.get(key));
  }

  override entries(): MapIterator<[string, Doc]> {
    return this.raw === 0 ? super.entries() : this.materializedEntries();
  }

  override values(): MapIterator<Doc> {
    return this.raw === 0 ? super.values() : this.materializedValues();
  }

  override [Symbol.iterator](): MapIterator<[string, Doc]> {
    return this.entries();
  }

  override forEach(callback: (value: Doc, key: string, map: Map<string, Doc>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  private *materializedEntries(): MapIterator<[string, Doc]> {
    for (const [key, value] of super.entries()) yield [key, this.materialize(key, value)];
  }

  private *materializedValues(): MapIterator<Doc> {
    for (const [key, value] of super.entries()) yield this.materialize(key, value);
  }

  private materialize<T extends Doc | undefined>(key: string, value: T): T {
    if (!(value instanceof RawDocument)) return value;
    const doc = value.decode();
    super.set(key, doc);
    this.raw--;
    return doc as T;
  }

  private forget(key: string): void {
    if (this.raw > 0 && super.get(key) instanceof RawDocument) this.raw--;
  }
}

/**
 * One collection: documents in a Map keyed by their `_id` (MongoDB equality, see `keyString`), in insertion
 * (natural) order, plus index metadata and unique-index maps. All mutations go through insert/replace/remove so
 * indexes and the transaction undo log stay consistent. Bulk-inserted documents may be held as raw BSON until
 * first read (see `DocumentMap`).
 *
 * ```ts
 * const coll = storage.collection('db', 'users', { create: true });
 * coll.insert({ _id: 'u1', email: 'a@b.c' });
 * ```
 */
export class Collection {
  readonly db: string;
  readonly name: string;
  readonly docs = new DocumentMap();
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
    if (this.storage.recording) this.storage.record(() => this.removeUnlogged(idKey), () => this.reinsertUnlogged(idKey, doc), this.keyOf(idKey));
  }

  private keyOf(idKey: string): string {
    return `${this.ns}\0${idKey}`;
  }

  /**
   * Inserts a document still in its raw BSON form under its `_id`, decoding nothing when only the `_id` index
   * applies; unique indexes need the document's fields, so then it is decoded and inserted as usual.
   */
  insertRaw(raw: RawDocument, id: unknown): void {
    if (this.unique.length > 0) {
      this.insert(raw.decode());
      return;
    }
    const idKey = keyString(id);
    if (this.docs.has(idKey)) throw duplicateKeyError(this.ns, idIndexSpec, [id]);
    this.docs.setRaw(idKey, raw);
    if (this.storage.recording) this.storage.record(() => this.removeUnlogged(idKey), () => this.reinsertUnlogged(idKey, raw.decode()), this.keyOf(idKey));
  }

  /** Replaces a stored document by its updated version (same `_id`), enforcing unique indexes. */
  replace(previous: Doc, next: Doc): void {
    const idKey = keyString(previous._id);
    for (const index of this.unique) index.check(next, idKey);
    for (const index of this.unique) index.remove(previous, idKey);
    for (const index of this.unique) index.add(next, idKey);
    this.docs.set(idKey, next);
    if (this.storage.recording) this.storage.record(() => this.replaceUnlogged(next, previous), () => this.replaceUnlogged(previous, next), this.keyOf(idKey));
  }

  /** Removes a document. */
  remove(doc: Doc): void {
    const idKey = keyString(doc._id);
    if (!this.removeUnlogged(idKey)) return;
    if (this.storage.recording) this.storage.record(() => this.reinsertUnlogged(idKey, doc), () => this.removeUnlogged(idKey), this.keyOf(idKey));
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

  /** Removes a document by key; it is read (decoded, if still raw) only when unique indexes need its fields. */
  private removeUnlogged(idKey: string): boolean {
    if (!this.docs.has(idKey)) return false;
    if (this.unique.length > 0) {
      const doc = this.docs.get(idKey) as Doc;
      for (const index of this.unique) index.remove(doc, idKey);
    }
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
  journal: JournalEntry[] | undefined;
  /** Set while a command runs beside an open transaction: the keys of the documents it writes. */
  touched: Set<string> | undefined;

  /** Whether mutations are being recorded (a transaction's command, or a command beside an open transaction). */
  get recording(): boolean {
    return this.journal !== undefined || this.touched !== undefined;
  }

  record(undo: UndoStep, redo: UndoStep, key?: string): void {
    this.journal?.push({ undo, redo, key });
    if (key !== undefined) this.touched?.add(key);
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
    const added = collection;
    this.record(() => created.delete(name), () => created.set(name, added));
    return collection;
  }

  /** Drops a collection; returns false when it did not exist. */
  dropCollection(db: string, name: string): boolean {
    const database = this.databases.get(db);
    const collection = database?.get(name);
    if (!database || !collection) return false;
    database.delete(name);
    this.record(() => database.set(name, collection), () => database.delete(name));
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

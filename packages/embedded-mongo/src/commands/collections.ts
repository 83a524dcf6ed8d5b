import { MongoCommandError, unsupported } from '../errors.js';
import { type IndexSpec, indexName } from '../indexes.js';
import { type Doc, isPlainObject } from '../paths.js';
import { matches } from '../query.js';
import { type CommandHandler, collectionName } from './context.js';

/**
 * Namespace and index commands: create, drop, dropDatabase, listCollections, listDatabases, createIndexes,
 * listIndexes, dropIndexes.
 *
 * ```ts
 * await db.command({ createIndexes: 'users', indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }] });
 * ```
 */
const envelopeFields = new Set(['create', '$db', 'lsid', '$clusterTime', 'txnNumber', 'autocommit', 'startTransaction', 'writeConcern', '$readPreference', 'comment']);

const create: CommandHandler = (command, context) => {
  const name = collectionName(command, 'create');
  if (context.storage.collection(context.db, name)) {
    throw new MongoCommandError('NamespaceExists', `Collection ${context.db}.${name} already exists.`);
  }
  const options = Object.fromEntries(Object.entries(command).filter(([key]) => !envelopeFields.has(key)));
  refuseCollectionOptions(options);
  context.storage.collection(context.db, name, { create: true, collectionOptions: options });
  return { ok: 1 };
};

/**
 * Refuses the `create` options the embedded server would otherwise accept and then ignore: views, timeseries and
 * capped collections, validators, a default collation. A capped collection without `size` gets mongod's own error.
 *
 * ```ts
 * refuseCollectionOptions({ viewOn: 'orders', pipeline: [] }); // throws "views (create with viewOn) is not supported …"
 * ```
 */
function refuseCollectionOptions(options: Doc): void {
  if (options.viewOn !== undefined || options.pipeline !== undefined) throw unsupported('views (create with viewOn)');
  if (options.timeseries !== undefined) throw unsupported('timeseries collections');
  if (options.capped === true) {
    if (options.size === undefined) throw new MongoCommandError('InvalidOptions', "the 'size' field is required when 'capped' is true");
    throw unsupported('capped collections (capped, size, max)');
  }
  if (options.clusteredIndex !== undefined) throw unsupported('clustered collections');
  if (isPlainObject(options.validator) && Object.keys(options.validator).length > 0) {
    throw unsupported(`collection validators${'$jsonSchema' in options.validator ? ' ($jsonSchema)' : ''}`);
  }
  if (isPlainObject(options.collation) && options.collation.locale !== 'simple') throw unsupported('a default collation on a collection');
}

const drop: CommandHandler = (command, context) => {
  const name = collectionName(command, 'drop');
  const collection = context.storage.collection(context.db, name);
  const nIndexesWas = collection?.indexes.length ?? 0;
  context.storage.dropCollection(context.db, name);
  context.clock.tick();
  return collection ? { nIndexesWas, ns: `${context.db}.${name}`, ok: 1 } : { ok: 1 };
};

const dropDatabase: CommandHandler = (_command, context) => {
  context.storage.dropDatabase(context.db);
  context.clock.tick();
  return { dropped: context.db, ok: 1 };
};

const listCollections: CommandHandler = (command, context) => {
  const filter = isPlainObject(command.filter) ? command.filter : {};
  const nameOnly = Boolean(command.nameOnly);
  const entries: Doc[] = [];
  for (const collection of context.storage.databases.get(context.db)?.values() ?? []) {
    const entry: Doc = nameOnly
      ? { name: collection.name, type: 'collection' }
      : { name: collection.name, type: 'collection', options: collection.options, info: { readOnly: false }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } };
    if (matches(entry, filter)) entries.push(entry);
  }
  const batchSize = isPlainObject(command.cursor) && typeof command.cursor.batchSize === 'number' ? command.cursor.batchSize : undefined;
  return context.cursors.openCursor(`${context.db}.$cmd.listCollections`, entries, batchSize !== undefined ? { batchSize } : {});
};

const listDatabases: CommandHandler = (command, context) => {
  const databases = [...context.storage.databases.entries()]
    .filter(([, collections]) => collections.size > 0)
    .map(([name, collections]) => ({ name, sizeOnDisk: 0, empty: [...collections.values()].every((c) => c.docs.size === 0) }));
  const filtered = isPlainObject(command.filter) ? databases.filter((d) => matches(d, command.filter as Doc)) : databases;
  return command.nameOnly
    ? { databases: filtered.map((d) => ({ name: d.name })), ok: 1 }
    : { databases: filtered, totalSize: 0, totalSizeMb: 0, ok: 1 };
};

const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'createIndexes');
  const specs = command.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw new MongoCommandError('BadValue', 'Must specify at least one index to create');
  const existed = context.storage.collection(context.db, name) !== undefined;
  const collection = context.storage.collection(context.db, name, { create: true });
  const before = collection.indexes.length;
  let created = 0;
  for (const raw of specs) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw new MongoCommandError('FailedToParse', "The 'key' field is a required property of an index specification");
    }
    if (Object.values(raw.key).some((v) => v === 'text')) throw new MongoCommandError('CommandNotSupported', 'text indexes are not supported by the stripe-mirror embedded MongoDB server');
    const spec: IndexSpec = { v: 2, ...raw, key: raw.key, name: typeof raw.name === 'string' ? raw.name : indexName(raw.key) };
    if (isPlainObject(raw.partialFilterExpression)) spec.partialFilterExpression = raw.partialFilterExpression;
    if (collection.createIndex(spec)) created++;
  }
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: collection.indexes.length, createdCollectionAutomatically: !existed, ok: 1 };
  if (created === 0) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'listIndexes');
  const collection = context.storage.collection(context.db, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${context.db}.${name}`);
  return context.cursors.openCursor(`${context.db}.${name}`, collection.indexes.map((spec) => ({ ...spec })));
};

const dropIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'dropIndexes');
  const collection = context.storage.collection(context.db, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns not found ${context.db}.${name}`);
  const nIndexesWas = collection.indexes.length;
  const index = command.index;
  const names: string[] = Array.isArray(index)
    ? index.map(String)
    : isPlainObject(index)
      ? [collection.indexes.find((spec) => JSON.stringify(spec.key) === JSON.stringify(index))?.name ?? indexName(index)]
      : [String(index)];
  for (const indexToDrop of names) collection.dropIndex(indexToDrop);
  return { nIndexesWas, ok: 1 };
};

function namespace(value: unknown): { db: string; name: string } {
  const text = typeof value === 'string' ? value : '';
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) throw new MongoCommandError('BadValue', `Invalid namespace specified '${text}'`);
  return { db: text.slice(0, dot), name: text.slice(dot + 1) };
}

const renameCollection: CommandHandler = (command, context) => {
  context.storage.renameCollection(namespace(command.renameCollection), namespace(command.to), Boolean(command.dropTarget));
  context.clock.tick();
  return { ok: 1 };
};

const collStats: CommandHandler = (command, context) => {
  const name = collectionName(command, 'collStats');
  const collection = context.storage.collection(context.db, name);
  return { ns: `${context.db}.${name}`, count: collection?.docs.size ?? 0, size: 0, storageSize: 0, nindexes: collection?.indexes.length ?? 0, ok: 1 };
};

const dbStats: CommandHandler = (_command, context) => {
  const collections = [...(context.storage.databases.get(context.db)?.values() ?? [])];
  const objects = collections.reduce((n, c) => n + c.docs.size, 0);
  return { db: context.db, collections: collections.length, objects, dataSize: 0, storageSize: 0, indexes: collections.reduce((n, c) => n + c.indexes.length, 0), ok: 1 };
};

export const collectionCommands = {
  renameCollection,
  collStats,
  dbStats,
  create, drop, dropDatabase, listCollections, listDatabases, createIndexes, listIndexes, dropIndexes,
} satisfies Record<string, CommandHandler>;

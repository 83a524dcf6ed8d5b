import { MongoCommandError, unsupported } from '../errors.js';
import { refuseUnsupportedOptions, selectDocuments } from '../operations.js';
import { type Doc, collectPathValues, isPlainObject, splitPath } from '../paths.js';
import { project } from '../projection.js';
import { valuesEqual } from '../compare.js';
import { type CommandHandler, collectionName } from './context.js';

/**
 * Read commands: find, getMore, killCursors, count, distinct.
 *
 * ```ts
 * await db.command({ find: 'users', filter: { age: { $gt: 30 } }, sort: { age: 1 }, batchSize: 10 });
 * ```
 */
function filterOf(command: Doc, field: string): Doc {
  const filter = command[field] ?? {};
  if (!isPlainObject(filter)) throw new MongoCommandError('TypeMismatch', `"${field}" had the wrong type. Expected object`);
  return filter;
}

function numberOption(command: Doc, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new MongoCommandError('TypeMismatch', `"${field}" had the wrong type. Expected number`);
  return n;
}

const find: CommandHandler = (command, context) => {
  const name = collectionName(command, 'find');
  const collection = context.storage.collection(context.db, name);
  refuseUnsupportedOptions(command, collection);
  if (command.tailable || command.awaitData) throw unsupported('tailable cursors');
  const sort = command.sort === undefined ? undefined : filterOf(command, 'sort');
  const skip = numberOption(command, 'skip') ?? 0;
  const rawLimit = numberOption(command, 'limit') ?? 0;
  const limit = Math.abs(rawLimit);
  const wanted = limit > 0 ? skip + limit : 0;
  const selected = selectDocuments(collection, filterOf(command, 'filter'), {
    ...(wanted > 0 ? { limit: wanted } : {}),
    ...(sort && Object.keys(sort).length > 0 ? { sort } : {}),
  });
  const projection = command.projection === undefined ? undefined : filterOf(command, 'projection');
  const docs = selected.slice(skip, limit > 0 ? skip + limit : undefined).map((s) => project(s.doc, projection, s.state));
  const batchSize = numberOption(command, 'batchSize');
  return context.cursors.openCursor(`${context.db}.${name}`, docs, {
    ...(batchSize !== undefined ? { batchSize } : {}),
    singleBatch: Boolean(command.singleBatch) || rawLimit < 0,
  });
};

const getMore: CommandHandler = (command, context) => {
  const collection = typeof command.collection === 'string' ? command.collection : '';
  return context.cursors.getMore(command.getMore, `${context.db}.${collection}`, numberOption(command, 'batchSize'));
};

const killCursors: CommandHandler = (command, context) => {
  const ids = Array.isArray(command.cursors) ? command.cursors : [];
  return context.cursors.kill(ids);
};

const count: CommandHandler = (command, context) => {
  const name = collectionName(command, 'count');
  const collection = context.storage.collection(context.db, name);
  refuseUnsupportedOptions(command, collection);
  const query = filterOf(command, 'query');
  const skip = numberOption(command, 'skip') ?? 0;
  const limit = Math.abs(numberOption(command, 'limit') ?? 0);
  const total = Object.keys(query).length === 0 ? (collection?.docs.size ?? 0) : selectDocuments(collection, query).length;
  const n = Math.max(0, total - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
};

const distinct: CommandHandler = (command, context) => {
  const name = collectionName(command, 'distinct');
  const collection = context.storage.collection(context.db, name);
  refuseUnsupportedOptions(command, collection);
  if (typeof command.key !== 'string') throw new MongoCommandError('TypeMismatch', '"key" had the wrong type. Expected string');
  const parts = splitPath(command.key);
  const values: unknown[] = [];
  for (const { doc } of selectDocuments(collection, filterOf(command, 'query'))) {
    for (const value of collectPathValues(doc, parts)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && !values.some((v) => valuesEqual(v, item))) values.push(item);
      }
    }
  }
  return { values, ok: 1 };
};

export const readCommands = { find, getMore, killCursors, count, distinct } satisfies Record<string, CommandHandler>;

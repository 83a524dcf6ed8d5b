import { BSON } from 'bson';
import { MongoCommandError, toErrorReply } from '../errors.js';
import { type UpdateSpec, deleteDocuments, refuseUnsupportedOptions, updateDocuments } from '../operations.js';
import { type Doc, isPlainObject } from '../paths.js';
import { RawDocument, decodeStatement, storableId } from '../raw-document.js';
import type { Collection, Storage } from '../storage.js';
import { withIdFirst } from '../upsert-seed.js';
import { type CommandContext, type CommandHandler, collectionName } from './context.js';

/**
 * Write commands: insert, update and delete, as the driver sends them (statements in a document sequence).
 * `ordered` (default true) stops at the first failing statement; unordered runs them all. Failures are reported in
 * `writeErrors` with the statement's `index`, never as a failed command. Inserted documents are stored without a
 * copy: each command is freshly decoded BSON, and stored documents are never mutated in place. Documents of an
 * insert's document sequence arrive as raw BSON and are stored raw (see `RawDocument`) when their `_id` allows.
 *
 * ```ts
 * // { n: 1, nModified: 0, upserted: [{ index: 0, _id: 'x' }], ok: 1 }
 * await db.command({ update: 'c', updates: [{ q: { _id: 'x' }, u: { $set: { a: 1 } }, upsert: true }] });
 * ```
 */
function statements(command: Doc, field: string): Doc[] {
  const value = command[field];
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new MongoCommandError('FailedToParse', `BSON field '${field}' is missing or is not an array of objects`);
  }
  return value;
}

/** The insert's documents: decoded ones (sent in the command body) or raw ones (sent as a document sequence). */
function insertedDocuments(command: Doc): (Doc | RawDocument)[] {
  const value = command.documents;
  if (!Array.isArray(value) || !value.every((d) => d instanceof RawDocument || isPlainObject(d))) {
    throw new MongoCommandError('FailedToParse', "BSON field 'documents' is missing or is not an array of objects");
  }
  return value;
}

/** Runs statements in order, collecting write errors; returns them with the reply fields built by `run`. */
function runStatements<T>(command: Doc, items: T[], context: CommandContext, run: (item: T, index: number) => void): Doc[] {
  const ordered = command.ordered !== false;
  const writeErrors: Doc[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i] as T, i);
    } catch (error) {
      if (!(error instanceof MongoCommandError)) {
        const reply = toErrorReply(error);
        writeErrors.push({ index: i, code: reply.code, errmsg: reply.errmsg });
      } else {
        writeErrors.push(error.toWriteError(i));
      }
      if (ordered) break;
    }
  }
  context.clock.tick();
  return writeErrors;
}

function withErrors(reply: Doc, writeErrors: Doc[]): Doc {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

const insert: CommandHandler = (command, context) => {
  const name = collectionName(command, 'insert');
  const documents = insertedDocuments(command);
  const collection = context.storage.collection(context.db, name, { create: true });
  let n = 0;
  const writeErrors = runStatements(command, documents, context, (doc) => {
    insertDocument(collection, doc);
    n++;
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

/**
 * Inserts one statement's document: a raw one undecoded when `storableId` allows it, otherwise decoded. Shared with
 * `bulkWrite`, whose insert ops behave exactly like an `insert` command's documents.
 */
export function insertDocument(collection: Collection, document: Doc | RawDocument): void {
  checkDocumentSize(document instanceof RawDocument ? document.bytes.length : BSON.calculateObjectSize(document));
  if (document instanceof RawDocument) {
    const stored = storableId(document);
    if (stored) {
      collection.insertRaw(document, stored.id);
      return;
    }
  }
  const doc = document instanceof RawDocument ? decodeStatement(document) : document;
  if (Array.isArray(doc._id)) throw new MongoCommandError('BadValue', "The '_id' value cannot be of type array");
  collection.insert(withIdFirst(doc));
}

/** mongod's largest user document (16 MiB) and the largest BSON object it parses at all (16 MiB + 16 KiB). */
const MAX_USER_SIZE = 16 * 1024 * 1024;
const MAX_BSON_SIZE = MAX_USER_SIZE + 16 * 1024;

/**
 * Refuses an inserted document over 16 MiB as mongod does: past 16 MiB + 16 KiB it cannot even be parsed
 * (BSONObjectTooLarge, code 10334); between the two it is "object to insert too large" (BadValue).
 *
 * ```ts
 * checkDocumentSize(17 * 1024 * 1024); // throws BSONObjectTooLarge
 * ```
 */
function checkDocumentSize(size: number): void {
  if (size > MAX_BSON_SIZE) {
    throw new MongoCommandError('BSONObjectTooLarge', `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_BSON_SIZE}(16MB)`);
  }
  if (size > MAX_USER_SIZE) throw new MongoCommandError('BadValue', `object to insert too large. size in bytes: ${size}, max size: ${MAX_USER_SIZE}`);
}

const update: CommandHandler = (command, context) => {
  const name = collectionName(command, 'update');
  const updates = statements(command, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors = runStatements(command, updates, context, (statement, index) => {
    const outcome = updateStatement(context.storage, context.db, name, statement);
    if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
    n += outcome.n;
    nModified += outcome.nModified;
  });
  const reply: Doc = { n, nModified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  return withErrors(reply, writeErrors);
};

/** What one update statement did, counted as `update` and `bulkWrite` report it (an upsert is `n: 1`). */
export interface UpdateStatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/**
 * Runs one update statement (`{ q, u, upsert?, multi?, arrayFilters?, collation?, sort? }`) on `db.name`. Shared
 * with `bulkWrite`, which passes its `{ filter, updateMods }` ops in this shape.
 */
export function updateStatement(storage: Storage, db: string, name: string, statement: Doc): UpdateStatementResult {
  refuseUnsupportedOptions(statement, storage.collection(db, name));
  const outcome = updateDocuments(storage, db, name, statement as unknown as UpdateSpec);
  if (outcome.upsertedId !== undefined) return { n: 1, nModified: 0, upsertedId: outcome.upsertedId };
  return { n: outcome.matched, nModified: outcome.modified };
}

/** Runs one delete statement (`{ q, limit: 0 | 1, collation? }`) on `collection`; returns how many it removed. */
export function deleteStatement(collection: Collection | undefined, statement: Doc): number {
  refuseUnsupportedOptions(statement, collection);
  const limit = Number(statement.limit ?? 0);
  if (limit !== 0 && limit !== 1) throw new MongoCommandError('BadValue', 'The limit field in delete objects must be 0 or 1');
  return deleteDocuments(collection, statement.q as Doc, limit).length;
}

const remove: CommandHandler = (command, context) => {
  const name = collectionName(command, 'delete');
  const deletes = statements(command, 'deletes');
  let n = 0;
  const collection = context.storage.collection(context.db, name);
  const writeErrors = runStatements(command, deletes, context, (statement) => {
    n += deleteStatement(collection, statement);
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

export const writeCommands = { insert, update, delete: remove } satisfies Record<string, CommandHandler>;

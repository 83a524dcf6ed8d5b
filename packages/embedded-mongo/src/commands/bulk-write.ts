import { Long } from 'bson';
import { MongoCommandError, toErrorReply, unsupported } from '../errors.js';
import { type Doc, isPlainObject } from '../paths.js';
import type { CommandContext, CommandHandler } from './context.js';
import { deleteStatement, insertDocument, updateStatement } from './write.js';

/**
 * MongoDB 8.0's cross-collection `bulkWrite`, what the driver's `MongoClient.bulkWrite(models)` sends to `admin`.
 * Each op names its collection by an index into `nsInfo` and runs exactly as the same statement of an `insert`,
 * `update` or `delete` command would on that collection (the statement functions of write.ts: upserts, pipeline
 * updates, E11000, transactions and retryable writes alike). `ordered` (default true) stops at the first failing op;
 * unordered runs them all. The reply is a cursor of one item per op, or per failing op only with `errorsOnly: true`,
 * plus the totals. A malformed command (wrong types, an `nsInfo` index out of range) fails whole, before any write.
 *
 * ```ts
 * await client.db('admin').command({
 *   bulkWrite: 1, errorsOnly: false,
 *   ops: [{ insert: 0, document: { _id: 1 } }, { delete: 1, filter: { done: true }, multi: true }],
 *   nsInfo: [{ ns: 'app.jobs' }, { ns: 'app.archive' }],
 * });
 * // { cursor: { id: 0, firstBatch: [{ ok: 1, idx: 0, n: 1 }, { ok: 1, idx: 1, n: 3 }], ns: 'admin.$cmd.bulkWrite' },
 * //   nErrors: 0, nInserted: 1, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 3, ok: 1 }
 * ```
 */
const MAX_WRITE_BATCH_SIZE = 100_000;

interface Namespace {
  db: string;
  collection: string;
}

type Op =
  | { kind: 'insert'; ns: Namespace; document: Doc }
  | { kind: 'update'; ns: Namespace; statement: Doc }
  | { kind: 'delete'; ns: Namespace; statement: Doc };

interface Totals {
  nErrors: number;
  nInserted: number;
  nMatched: number;
  nModified: number;
  nUpserted: number;
  nDeleted: number;
}

const bulkWrite: CommandHandler = (command, context) => {
  if (context.db !== 'admin') throw new MongoCommandError('Unauthorized', 'The bulkWrite command can only run against the admin database');
  if (command.let !== undefined) throw unsupported("bulkWrite's let option");
  const namespaces = parseNamespaces(command.nsInfo);
  const ops = parseOps(command.ops, namespaces);
  const ordered = command.ordered !== false;
  const errorsOnly = command.errorsOnly === true;
  const totals: Totals = { nErrors: 0, nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  const firstBatch: Doc[] = [];
  for (let idx = 0; idx < ops.length; idx++) {
    const op = ops[idx] as Op;
    try {
      const item = runOp(op, idx, context, totals);
      if (!errorsOnly) firstBatch.push(item);
    } catch (error) {
      totals.nErrors++;
      firstBatch.push(errorItem(error, idx, op.kind));
      if (ordered) break;
    }
  }
  context.clock.tick();
  return { cursor: { id: Long.ZERO, firstBatch, ns: 'admin.$cmd.bulkWrite' }, ...totals, ok: 1 };
};

/** Runs one op, adds it to the totals and returns its reply item. */
function runOp(op: Op, idx: number, context: CommandContext, totals: Totals): Doc {
  const { db, collection } = op.ns;
  if (op.kind === 'insert') {
    insertDocument(context.storage.collection(db, collection, { create: true }), op.document);
    totals.nInserted++;
    return { ok: 1, idx, n: 1 };
  }
  if (op.kind === 'delete') {
    const n = deleteStatement(context.storage.collection(db, collection), op.statement);
    totals.nDeleted += n;
    return { ok: 1, idx, n };
  }
  const outcome = updateStatement(context.storage, db, collection, op.statement);
  if (outcome.upsertedId !== undefined) {
    totals.nUpserted++;
    return { ok: 1, idx, n: outcome.n, nModified: outcome.nModified, upserted: { _id: outcome.upsertedId } };
  }
  totals.nMatched += outcome.n;
  totals.nModified += outcome.nModified;
  return { ok: 1, idx, n: outcome.n, nModified: outcome.nModified };
}

/** A failed op's reply item: mongod's error fields (E11000's keyPattern/keyValue included) and zero counts. */
function errorItem(error: unknown, idx: number, kind: Op['kind']): Doc {
  return { ok: 0, idx, ...toErrorReply(error), n: 0, ...(kind === 'update' ? { nModified: 0 } : {}) };
}

function parseNamespaces(value: unknown): Namespace[] {
  if (value === undefined) throw new MongoCommandError('IDLFailedToParse', "BSON field 'bulkWrite.nsInfo' is missing but a required field");
  if (!Array.isArray(value)) throw new MongoCommandError('TypeMismatch', "BSON field 'bulkWrite.nsInfo' is the wrong type, expected type 'array'");
  return value.map((entry, i) => {
    if (!isPlainObject(entry) || typeof entry.ns !== 'string') {
      throw new MongoCommandError('TypeMismatch', `BSON field 'bulkWrite.nsInfo.${i}' must be an object with a string 'ns'`);
    }
    const dot = entry.ns.indexOf('.');
    if (dot <= 0 || dot === entry.ns.length - 1) throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${entry.ns}'`);
    return { db: entry.ns.slice(0, dot), collection: entry.ns.slice(dot + 1) };
  });
}

function parseOps(value: unknown, namespaces: Namespace[]): Op[] {
  if (value === undefined) throw new MongoCommandError('IDLFailedToParse', "BSON field 'bulkWrite.ops' is missing but a required field");
  if (!Array.isArray(value)) throw new MongoCommandError('TypeMismatch', "BSON field 'bulkWrite.ops' is the wrong type, expected type 'array'");
  if (value.length === 0 || value.length > MAX_WRITE_BATCH_SIZE) {
    throw new MongoCommandError('InvalidLength', `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${value.length} operations.`);
  }
  return value.map((op, i) => parseOp(op, i, namespaces));
}

function parseOp(op: unknown, i: number, namespaces: Namespace[]): Op {
  if (!isPlainObject(op)) throw new MongoCommandError('TypeMismatch', `BSON field 'bulkWrite.ops.${i}' is the wrong type, expected type 'object'`);
  const kind = Object.keys(op)[0];
  if (kind !== 'insert' && kind !== 'update' && kind !== 'delete') {
    throw new MongoCommandError('FailedToParse', `Unrecognized bulkWrite operation '${String(kind)}' in ops entry ${i}: expected insert, update or delete`);
  }
  const index = op[kind];
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new MongoCommandError('TypeMismatch', `BSON field 'bulkWrite.ops.${i}.${kind}' is the wrong type, expected type 'int'`);
  }
  const ns = namespaces[index];
  if (!ns) throw new MongoCommandError('BadValue', `BulkWrite ops entry ${i} has an invalid nsInfo index ${index}: nsInfo has ${namespaces.length} entries`);
  if ('return' in op || 'returnFields' in op) throw unsupported("bulkWrite's return option");
  if (kind === 'insert') {
    if (!isPlainObject(op.document)) throw new MongoCommandError('TypeMismatch', `BSON field 'bulkWrite.ops.${i}.document' must be an object`);
    return { kind, ns, document: op.document };
  }
  const filter = op.filter;
  if (!isPlainObject(filter)) throw new MongoCommandError('IDLFailedToParse', `BSON field 'bulkWrite.ops.${i}.filter' is missing or is not an object`);
  if (kind === 'delete') return { kind, ns, statement: { q: filter, limit: op.multi === true ? 0 : 1, ...optional(op, ['collation']) } };
  if (!isPlainObject(op.updateMods) && !Array.isArray(op.updateMods)) {
    throw new MongoCommandError('IDLFailedToParse', `BSON field 'bulkWrite.ops.${i}.updateMods' is missing or is not an object or a pipeline`);
  }
  if (op.constants !== undefined) throw unsupported("bulkWrite's constants option");
  const statement = { q: filter, u: op.updateMods, multi: op.multi === true, ...optional(op, ['upsert', 'arrayFilters', 'collation', 'sort']) };
  return { kind, ns, statement };
}

/** The fields of `op` among `names` that are present, to pass on as statement options. */
function optional(op: Doc, names: string[]): Doc {
  const picked: Doc = {};
  for (const name of names) if (op[name] !== undefined) picked[name] = op[name];
  return picked;
}

export const bulkWriteCommands = { bulkWrite } satisfies Record<string, CommandHandler>;

import { Long } from 'bson';
import { MongoCommandError } from './errors.js';
import { type Doc, isPlainObject } from './paths.js';
import type { JournalEntry, Storage } from './storage.js';

interface Transaction {
  txnNumber: string;
  state: 'active' | 'committed' | 'aborted';
  journal: JournalEntry[];
  /** Set when a write outside the transaction took one of its documents: its next command fails with WriteConflict. */
  conflicted?: boolean;
}

/**
 * Multi-document transactions and retryable writes of logical sessions. A transaction's writes apply to storage
 * while a journal records how to undo and redo them; `abortTransaction`, a failing statement, a newer transaction
 * on the same session or `endSessions` replays the journal backwards so the aborted writes vanish. Isolation: any
 * other command runs with the open transactions' writes hidden (undone, then redone), so it never sees uncommitted
 * data; when it writes a document an open transaction wrote, that is a write conflict: a transaction's command
 * fails with WriteConflict (112, label TransientTransactionError) and the transaction is aborted, as mongod does;
 * a write outside any transaction wins and aborts the open transaction instead (mongod would make it wait), whose
 * next command or commit fails with that WriteConflict, so `withTransaction` retries it.
 *
 * ```ts
 * const reply = transactions.run(command, 'insert', () => handler(command, context));
 * ```
 */
const retryableWrites = new Set(['insert', 'update', 'delete', 'findAndModify', 'bulkWrite']);

export class TransactionManager {
  private readonly sessions = new Map<string, Transaction>();
  /** Last retryable write per session: a retry with the same txnNumber gets this reply instead of running again. */
  private readonly lastWrites = new Map<string, { txnNumber: bigint; target: string; reply: Doc }>();
  private readonly storage: Storage;

  constructor(storage: Storage) {
    this.storage = storage;
  }

  /** Runs one command, inside its session's transaction when it carries `autocommit: false`. */
  run(command: Doc, name: string, execute: () => Doc): Doc {
    if (name === 'endSessions' && Array.isArray(command.endSessions)) {
      for (const lsid of command.endSessions) this.abortSession(sessionKey(lsid));
    }
    if (command.autocommit !== false) {
      if (name === 'commitTransaction' || name === 'abortTransaction') {
        throw new MongoCommandError('InvalidOptions', `${name} must be run within a transaction`);
      }
      if (command.txnNumber !== undefined && retryableWrites.has(name)) return this.isolated(undefined, () => this.retryable(command, name, execute));
      return this.isolated(undefined, execute);
    }
    const key = sessionKey(command.lsid);
    const txnNumber = String(command.txnNumber);
    if (name === 'commitTransaction') return this.commit(key, txnNumber);
    if (name === 'abortTransaction') return this.abort(key, txnNumber);
    let transaction = this.sessions.get(key);
    if (command.startTransaction) {
      if (transaction?.state === 'active') this.rollback(transaction);
      transaction = { txnNumber, state: 'active', journal: [] };
      this.sessions.set(key, transaction);
    } else if (!transaction || transaction.txnNumber !== txnNumber || transaction.state !== 'active') {
      throw transaction?.conflicted && transaction.txnNumber === txnNumber ? writeConflict() : noSuchTransaction(txnNumber);
    }
    const current = transaction;
    return this.isolated(current, () => {
      this.storage.journal = current.journal;
      try {
        const reply = execute();
        if (failedWrites(reply)) this.rollback(current);
        return reply;
      } catch (error) {
        this.rollback(current);
        throw error;
      } finally {
        this.storage.journal = undefined;
      }
    });
  }

  /**
   * Runs `execute` (a command of `own`, or of no transaction) with every other open transaction's writes hidden,
   * then puts them back; a document written by both is a write conflict (see the class comment). Free when no
   * other transaction has written anything.
   */
  private isolated(own: Transaction | undefined, execute: () => Doc): Doc {
    const others = [...this.sessions.values()].filter((t) => t !== own && t.state === 'active' && t.journal.length > 0);
    if (others.length === 0) return execute();
    for (const other of others) for (let i = other.journal.length - 1; i >= 0; i--) other.journal[i]?.undo();
    const touched = new Set<string>();
    this.storage.touched = touched;
    let conflict = false;
    try {
      return execute();
    } finally {
      this.storage.touched = undefined;
      for (const other of others) {
        const clashes = other.journal.some((entry) => entry.key !== undefined && touched.has(entry.key));
        if (clashes && own) conflict = true;
        else if (clashes) {
          other.journal = [];
          other.state = 'aborted';
          other.conflicted = true;
        }
      }
      if (conflict && own) this.rollback(own);
      for (const other of others) for (const entry of other.journal) entry.redo();
      if (conflict) throw writeConflict();
    }
  }

  /**
   * A retryable write (`lsid` + `txnNumber`, no transaction): run once; a retry of the same txnNumber (the driver
   * resends after a lost connection) returns the recorded reply, so the write is not applied twice. Like mongod, a
   * txnNumber older than the session's newest is refused (a first attempt arriving late never runs after newer
   * writes), and so is a different command or namespace under a recorded txnNumber (it never gets another's reply).
   */
  private retryable(command: Doc, name: string, execute: () => Doc): Doc {
    const key = sessionKey(command.lsid);
    const txnNumber = txnNumberOf(command.txnNumber);
    const target = `${name} ${String(command.$db)}.${String(command[name])}`;
    const last = this.lastWrites.get(key);
    if (last && txnNumber < last.txnNumber) {
      throw new MongoCommandError('TransactionTooOld', `Cannot start transaction ${txnNumber} on session ${key} because a newer transaction ${last.txnNumber} has already started.`);
    }
    if (last?.txnNumber === txnNumber) {
      if (last.target === target) return last.reply;
      throw new MongoCommandError('IllegalOperation', `txnNumber ${txnNumber} of session ${key} was used by another command (${last.target}), not ${target}`);
    }
    const reply = execute();
    this.lastWrites.set(key, { txnNumber, target, reply });
    return reply;
  }

  private commit(key: string, txnNumber: string): Doc {
    const transaction = this.sessions.get(key);
    if (transaction?.conflicted && transaction.txnNumber === txnNumber) throw writeConflict();
    if (!transaction || transaction.txnNumber !== txnNumber || transaction.state === 'aborted') throw noSuchTransaction(txnNumber);
    transaction.state = 'committed';
    transaction.journal = [];
    return { ok: 1 };
  }

  private abort(key: string, txnNumber: string): Doc {
    const transaction = this.sessions.get(key);
    if (!transaction || transaction.txnNumber !== txnNumber || transaction.state !== 'active') throw noSuchTransaction(txnNumber);
    this.rollback(transaction);
    return { ok: 1 };
  }

  private abortSession(key: string): void {
    const transaction = this.sessions.get(key);
    if (transaction?.state === 'active') this.rollback(transaction);
    this.sessions.delete(key);
    this.lastWrites.delete(key);
  }

  private rollback(transaction: Transaction): void {
    const saved = this.storage.journal;
    this.storage.journal = undefined;
    for (let i = transaction.journal.length - 1; i >= 0; i--) transaction.journal[i]?.undo();
    this.storage.journal = saved === transaction.journal ? undefined : saved;
    transaction.journal = [];
    transaction.state = 'aborted';
  }
}

/** Whether a write command's reply reports a failed statement (`writeErrors`, or `nErrors` of a bulkWrite). */
function failedWrites(reply: Doc): boolean {
  return (Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0) || (typeof reply.nErrors === 'number' && reply.nErrors > 0);
}

function writeConflict(): MongoCommandError {
  return new MongoCommandError(
    'WriteConflict',
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    { errorLabels: ['TransientTransactionError'] },
  );
}

function noSuchTransaction(txnNumber: string): MongoCommandError {
  return new MongoCommandError('NoSuchTransaction', `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {
    errorLabels: ['TransientTransactionError'],
  });
}

function txnNumberOf(value: unknown): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (value instanceof Long) return value.toBigInt();
  throw new MongoCommandError('TypeMismatch', 'txnNumber must be a 64-bit integer');
}

function sessionKey(lsid: unknown): string {
  if (!isPlainObject(lsid)) throw new MongoCommandError('InvalidOptions', 'a transaction needs a logical session id (lsid)');
  const id = lsid.id as { toString(encoding?: string): string } | undefined;
  return id ? id.toString('hex') : JSON.stringify(lsid);
}

import { BSON, Long } from 'bson';
import { MongoCommandError } from './errors.js';
import type { Doc } from './paths.js';

/** Default size of a cursor's first batch, as in MongoDB. */
export const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
}

/** Like mongod's cursorTimeoutMillis: a cursor nobody asked for more from in 10 minutes is closed. */
const CURSOR_IDLE_MS = 10 * 60 * 1000;

/**
 * Open cursors of the server. A query's results are materialised once; batches are cut by `batchSize` (first batch
 * 101 by default) and by the 16 MiB reply limit, and the cursor id (a `Long`) is 0 once exhausted.
 *
 * ```ts
 * const reply = cursors.open('db.coll', docs, { batchSize: 2 }); // { cursor: { id, ns, firstBatch }, ok: 1 }
 * ```
 */
export class CursorStore {
  private readonly open = new Map<string, OpenCursor>();
  private nextId = 1000n + BigInt(Math.floor(Math.random() * 1_000_000));

  /** The reply of a cursor-returning command (find, aggregate, listIndexes, listCollections). */
  openCursor(ns: string, docs: Doc[], options: { batchSize?: number; singleBatch?: boolean } = {}): Doc {
    this.closeIdle();
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const firstBatch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = Long.ZERO;
    if (cursor.position < docs.length && !options.singleBatch) {
      const value = this.nextId++;
      this.open.set(value.toString(), cursor);
      id = Long.fromBigInt(value);
    }
    return { cursor: { firstBatch, id, ns }, ok: 1 };
  }

  /** The reply of getMore. */
  getMore(id: unknown, collection: string, batchSize: number | undefined): Doc {
    const key = String(id);
    const cursor = this.open.get(key);
    if (!cursor) throw new MongoCommandError('CursorNotFound', `cursor id ${key} not found`);
    cursor.lastUsed = Date.now();
    const nextBatch = takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.open.delete(key);
    return { cursor: { nextBatch, id: exhausted ? Long.ZERO : id, ns: cursor.ns || collection }, ok: 1 };
  }

  /** Closes cursors; reports which existed. */
  kill(ids: unknown[]): Doc {
    const killed: unknown[] = [];
    const notFound: unknown[] = [];
    for (const id of ids) (this.open.delete(String(id)) ? killed : notFound).push(id);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  clear(): void {
    this.open.clear();
  }

  private closeIdle(): void {
    const cutoff = Date.now() - CURSOR_IDLE_MS;
    for (const [id, cursor] of this.open) if (cursor.lastUsed < cutoff) this.open.delete(id);
  }
}

function takeBatch(cursor: OpenCursor, limit: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && batch.length < limit) {
    const doc = cursor.docs[cursor.position] as Doc;
    const size = BSON.calculateObjectSize(doc, { ignoreUndefined: true });
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    batch.push(doc);
    cursor.position++;
  }
  return batch;
}

import { BSON, Binary, Decimal128, type Document, Double, Int32, Long, MaxKey, MinKey, MongoClient, ObjectId, Timestamp } from 'mongodb';
import { keyString } from '../src/compare.js';
import { RawDocument, storableId } from '../src/raw-document.js';
import { WireServer } from '../src/server.js';
import { DocumentMap } from '../src/storage.js';
import { parseMessage } from '../src/wire.js';
import { expect } from './support/chai.js';
import { RawConnection } from './raw-connection.js';

/** Decodes replies keeping every BSON type as sent (Int32, Double, Long, BSONRegExp stay objects). */
const exact = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

function raw(doc: Document): RawDocument {
  return new RawDocument(Buffer.from(BSON.serialize(doc)));
}

/** The raw (undecoded) entry of a DocumentMap, read without materializing it. */
function storedEntry(map: Map<string, Document>, key: string): unknown {
  return Map.prototype.get.call(map, key);
}

/** An OP_MSG frame with a body section and one document sequence, as the driver sends a bulk insert. */
function msgFrame(body: Document, id: string, docs: Document[]): Buffer {
  const name = Buffer.from(`${id}\0`);
  const payload = Buffer.concat(docs.map((d) => BSON.serialize(d)));
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + name.length + payload.length, 0);
  const parts = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), BSON.serialize(body), Buffer.from([1]), size, name, payload]);
  const head = Buffer.alloc(16);
  head.writeInt32LE(16 + parts.length, 0);
  head.writeInt32LE(2013, 12);
  return Buffer.concat([head, parts]);
}

/** `{ _id, s: 'abc' }` serialized, then damaged by `damage(bytes, offsetOfAbc)`. */
function damaged(doc: Document, damage: (bytes: Buffer, at: number) => void): Buffer {
  const bytes = Buffer.from(BSON.serialize(doc));
  damage(bytes, bytes.indexOf('abc'));
  return bytes;
}

describe('embedded MongoDB raw inserts: wire parsing, _id extraction and lazy storage', () => {
  it('keeps an insert document sequence as raw bytes and decodes every other section', () => {
    const insert = parseMessage(msgFrame({ insert: 'c', $db: 'd' }, 'documents', [{ _id: 1 }, { _id: 2 }]));
    const documents = insert.kind === 'msg' ? (insert.command.documents as unknown[]) : [];
    expect(documents).to.have.length(2);
    expect(documents.every((d) => d instanceof RawDocument)).to.equal(true);
    const update = parseMessage(msgFrame({ update: 'c', $db: 'd' }, 'updates', [{ q: {}, u: { $set: { a: 1 } } }]));
    expect(update.kind === 'msg' && update.command.updates).to.deep.equal([{ q: {}, u: { $set: { a: 1 } } }]);
    const other = parseMessage(msgFrame({ aggregate: 'c', $db: 'd' }, 'documents', [{ _id: 1 }]));
    expect(other.kind === 'msg' && other.command.documents).to.deep.equal([{ _id: 1 }]);
  });

  it('reads only _id from a raw document, with its BSON type, the last one when repeated', () => {
    expect(storableId(raw({ a: 'x', _id: 'k' }))).to.deep.equal({ id: 'k' });
    expect(storableId(raw({ _id: new Int32(5) }))).to.deep.equal({ id: 5 });
    expect((storableId(raw({ _id: Long.fromNumber(5) }))?.id as Long).toString()).to.equal('5');
    const oid = new ObjectId();
    expect(String(storableId(raw({ _id: oid }))?.id)).to.equal(oid.toHexString());
    expect(storableId(raw({ _id: { a: 1, b: 'two' } }))).to.deep.equal({ id: { a: 1, b: 'two' } });
    const repeated = Buffer.concat([BSON.serialize({ _id: 'first' }).subarray(0, -1), BSON.serialize({ _id: 'last' }).subarray(4)]);
    repeated.writeInt32LE(repeated.length, 0);
    expect(storableId(new RawDocument(repeated))).to.deep.equal({ id: 'last' });
  });

  it('leaves documents it cannot store undecoded to an eager decode', () => {
    expect(storableId(raw({ a: 1 }))).to.equal(undefined);
    expect(storableId(raw({ _id: [1, 2] }))).to.equal(undefined);
    expect(storableId(raw({ _id: 1, r: /a/ }))).to.equal(undefined);
    expect(storableId(new RawDocument(damaged({ _id: 1, s: 'abc' }, (b, at) => b.writeInt32LE(100, at - 4))))).to.equal(undefined);
    expect(storableId(new RawDocument(damaged({ _id: 1, o: { s: 'abc' } }, (b, at) => (b[at + 3] = 0x41))))).to.equal(undefined);
  });

  it('decodes a raw entry once, on first read, with _id first; has, size, keys and delete do not decode', () => {
    const map = new DocumentMap();
    map.setRaw('a', raw({ v: 1, _id: 'a' }));
    map.setRaw('b', raw({ _id: 'b', v: 2 }));
    map.setRaw('c', raw({ _id: 'c', v: 3 }));
    expect([map.has('a'), map.size, [...map.keys()]]).to.deep.equal([true, 3, ['a', 'b', 'c']]);
    expect(map.delete('c')).to.equal(true);
    expect(storedEntry(map, 'a')).to.be.instanceOf(RawDocument);
    const a = map.get('a');
    expect(Object.keys(a ?? {})).to.deep.equal(['_id', 'v']);
    expect(map.get('a')).to.equal(a);
    expect(storedEntry(map, 'b')).to.be.instanceOf(RawDocument);
    expect([...map.values()]).to.deep.equal([{ _id: 'a', v: 1 }, { _id: 'b', v: 2 }]);
    expect(storedEntry(map, 'b')).to.deep.equal({ _id: 'b', v: 2 });
    const seen: string[] = [];
    map.forEach((doc, key) => seen.push(`${key}=${String(doc.v)}`));
    expect(seen).to.deep.equal(['a=1', 'b=2']);
    expect([...map].map(([key, doc]) => [key, doc._id])).to.deep.equal([['a', 'a'], ['b', 'b']]);
  });

  it('never yields a raw entry after raw entries are overwritten, deleted or cleared', () => {
    const map = new DocumentMap();
    map.setRaw('a', raw({ _id: 'a', v: 1 }));
    map.setRaw('b', raw({ _id: 'b', v: 2 }));
    map.set('a', { _id: 'a', v: 'set' });
    map.delete('b');
    map.setRaw('c', raw({ _id: 'c', v: 3 }));
    expect([...map.values()]).to.deep.equal([{ _id: 'a', v: 'set' }, { _id: 'c', v: 3 }]);
    map.clear();
    map.setRaw('d', raw({ _id: 'd', v: 4 }));
    expect([...map.entries()]).to.deep.equal([['d', { _id: 'd', v: 4 }]]);
  });
});

describe('embedded MongoDB raw inserts over the wire', () => {
  let server: WireServer;
  let client: MongoClient;
  let conn: RawConnection;
  const db = 'raw_insert';
  const insert = (collection: string, docs: (Document | Uint8Array)[], extra: Document = {}) =>
    conn.command({ insert: collection, ordered: true, ...extra, $db: db }, { id: 'documents', docs });
  const stored = (collection: string) => server.storage.collection(db, collection)?.docs as DocumentMap;

  beforeEach(async () => {
    server = new WireServer({ replicaSet: true });
    const port = await server.listen(0, '127.0.0.1');
    conn = await RawConnection.open(port);
    client = await new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`).connect();
  });

  afterEach(async () => {
    conn.close();
    await client.close();
    await server.close();
  });

  it('round trips every BSON type, odd field names and nesting exactly, with _id moved first', async () => {
    const doc = JSON.parse('{"__proto__": {"polluted": true}}') as Document;
    Object.assign(doc, {
      int: new Int32(7),
      double: new Double(2.5),
      long: Long.fromString('9223372036854775807'),
      decimal: Decimal128.fromString('0.1'),
      oid: new ObjectId(),
      date: new Date(1_700_000_000_123),
      binary: new Binary(Buffer.from([1, 2, 3]), 0),
      uuid: new Binary(Buffer.alloc(16, 9), 4),
      bool: true,
      nil: null,
      text: 'héllo ✓',
      timestamp: new Timestamp({ t: 1, i: 2 }),
      min: new MinKey(),
      max: new MaxKey(),
      $dollar: 1,
      'dot.ted': 2,
      nested: { deep: [new Int32(1), 'two', { three: new Double(3.5), list: [] }], empty: {} },
      _id: 'typed',
    });
    const withRegex = { _id: 'regex', r: /a.b/im, n: new Int32(1) };
    expect(await insert('raw', [doc, withRegex])).to.include({ n: 2, ok: 1 });
    expect(storedEntry(stored('raw'), keyString('typed'))).to.be.instanceOf(RawDocument);
    await conn.command({ insert: 'decoded', documents: [doc, withRegex], $db: db });
    const found = await conn.command({ find: 'raw', filter: {}, $db: db }, undefined, exact);
    const reference = await conn.command({ find: 'decoded', filter: {}, $db: db }, undefined, exact);
    const bytes = (docs: Document[]) => docs.map((d) => Buffer.from(BSON.serialize(d)).toString('hex'));
    expect(bytes(found.cursor.firstBatch)).to.deep.equal(bytes(reference.cursor.firstBatch));
    const { _id, ...rest } = doc;
    expect(bytes([found.cursor.firstBatch[0]])).to.deep.equal(bytes([{ _id, ...rest }]));
    expect(Object.keys(found.cursor.firstBatch[0])[0]).to.equal('_id');
    expect(Object.getPrototypeOf(found.cursor.firstBatch[0])).to.equal(Object.prototype);
  });

  it('reports duplicate _ids within one insert and across inserts as E11000, comparing numbers by value', async () => {
    const first = await insert('dup', [{ _id: 'a' }, { _id: new Int32(1) }, { _id: 'a' }, { _id: 'b' }]);
    expect(first).to.include({ n: 2 });
    expect(first.writeErrors).to.have.length(1);
    expect(first.writeErrors[0]).to.include({ index: 2, code: 11000 });
    expect(first.writeErrors[0].keyValue).to.deep.equal({ _id: 'a' });
    expect(first.writeErrors[0].keyPattern).to.deep.equal({ _id: 1 });
    const second = await insert('dup', [{ _id: 'b' }, { _id: new Double(1) }, { _id: Long.fromNumber(1) }, { _id: 'c' }], { ordered: false });
    expect(second).to.include({ n: 2 });
    expect(second.writeErrors.map((e: Document) => [e.index, e.code])).to.deep.equal([[1, 11000], [2, 11000]]);
    expect(await client.db(db).collection('dup').find().toArray()).to.deep.equal([{ _id: 'a' }, { _id: 1 }, { _id: 'b' }, { _id: 'c' }]);
  });

  it('generates a missing _id first and refuses an array _id', async () => {
    const reply = await insert('ids', [{ a: 1 }, { _id: [1], a: 2 }, { a: 3, b: { _id: 'inner' } }], { ordered: false });
    expect(reply).to.include({ n: 2 });
    expect(reply.writeErrors[0]).to.include({ index: 1, code: 2 });
    const docs = await client.db(db).collection('ids').find().toArray();
    expect(docs.map((d) => [Object.keys(d)[0], d._id instanceof ObjectId, d.a])).to.deep.equal([['_id', true, 1], ['_id', true, 3]]);
  });

  it('refuses a malformed document as that statement\'s InvalidBSON write error and keeps the connection', async () => {
    const overrun = damaged({ _id: 'overrun', s: 'abc' }, (b, at) => b.writeInt32LE(100, at - 4));
    const unterminated = damaged({ _id: 'unterminated', o: { s: 'abc' } }, (b, at) => (b[at + 3] = 0x41));
    const unordered = await insert('bad', [{ _id: 1 }, overrun, { _id: 2 }, unterminated, { _id: 3 }], { ordered: false });
    expect(unordered).to.include({ n: 3, ok: 1 });
    expect(unordered.writeErrors.map((e: Document) => [e.index, e.code])).to.deep.equal([[1, 22], [3, 22]]);
    const ordered = await insert('bad', [{ _id: 4 }, unterminated, { _id: 5 }]);
    expect(ordered).to.include({ n: 1 });
    expect(ordered.writeErrors.map((e: Document) => [e.index, e.code])).to.deep.equal([[1, 22]]);
    expect(await client.db(db).collection('bad').find().toArray()).to.deep.equal([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }]);
  });

  it('enforces a unique secondary index on raw inserts', async () => {
    await client.db(db).collection('uniq').createIndex({ email: 1 }, { unique: true });
    const reply = await insert('uniq', [{ _id: 1, email: 'a' }, { _id: 2, email: 'a' }], { ordered: false });
    expect(reply).to.include({ n: 1 });
    expect(reply.writeErrors[0]).to.include({ index: 1, code: 11000 });
    expect(reply.writeErrors[0].keyValue).to.deep.equal({ email: 'a' });
  });

  it('removes raw inserts of an aborted transaction', async () => {
    await insert('txn', [{ _id: 'kept' }]);
    const session = { lsid: { id: new Binary(Buffer.alloc(16, 3), 4) }, txnNumber: Long.fromNumber(1), autocommit: false };
    expect(await insert('txn', [{ _id: 'a' }, { _id: 'b' }], { ...session, startTransaction: true })).to.include({ n: 2, ok: 1 });
    expect(await conn.command({ abortTransaction: 1, ...session, $db: 'admin' })).to.include({ ok: 1 });
    expect(await client.db(db).collection('txn').find().toArray()).to.deep.equal([{ _id: 'kept' }]);
    expect(stored('txn').size).to.equal(1);
  });

  it('answers a retried raw insert from its first execution', async () => {
    const retryable = { lsid: { id: new Binary(Buffer.alloc(16, 4), 4) }, txnNumber: Long.fromNumber(1) };
    expect(await insert('retry', [{ _id: 1 }, { _id: 2 }], retryable)).to.include({ n: 2, ok: 1 });
    const retried = await insert('retry', [{ _id: 1 }, { _id: 2 }], retryable);
    expect(retried).to.include({ n: 2, ok: 1 });
    expect(retried).to.not.have.property('writeErrors');
  });

  it('keeps the snapshot of a cursor opened before an update', async () => {
    await insert('snap', [{ _id: 1, v: 'old' }, { _id: 2, v: 'old' }, { _id: 3, v: 'old' }]);
    const collection = client.db(db).collection('snap');
    const cursor = collection.find({}, { batchSize: 1 });
    expect(await cursor.next()).to.deep.equal({ _id: 1, v: 'old' });
    await collection.updateMany({}, { $set: { v: 'new' } });
    expect(await cursor.toArray()).to.deep.equal([{ _id: 2, v: 'old' }, { _id: 3, v: 'old' }]);
    expect(await collection.find().toArray()).to.deep.equal([{ _id: 1, v: 'new' }, { _id: 2, v: 'new' }, { _id: 3, v: 'new' }]);
  });

  it('moves raw documents through renameCollection and counts them without decoding', async () => {
    await insert('from', [{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
    expect(await client.db(db).collection('from').estimatedDocumentCount()).to.equal(2);
    expect(storedEntry(stored('from'), keyString(1))).to.be.instanceOf(RawDocument);
    await client.db(db).renameCollection('from', 'to');
    expect(await client.db(db).collection('to').find().toArray()).to.deep.equal([{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
  });
});

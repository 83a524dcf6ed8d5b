import { BSON, Binary, type ClientBulkWriteModel, type Document, Long, MongoClient, MongoClientBulkWriteError, MongoServerError } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import mongoose from 'mongoose';
import { testMongoUri } from './support/setup.js';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';
import { RawConnection } from './raw-connection.js';

const DB = 'conformance_client_bulk';

/** The documents of these tests: ids are numbers or strings, every other field is optional. */
interface Row {
  _id: number | string;
  status?: string;
  total?: number;
  event?: string;
  kind?: string;
  lines?: number;
  n?: number;
}

/** Every namespace of these tests holds `Row`s. */
type Schemas = Record<string, Row>;
type Model = ClientBulkWriteModel<Schemas>;
const ns = (collection: string): string => `${DB}.${collection}`;

/** The write error the driver reports for `error` at op `index`, as a plain object. */
function writeErrorAt(error: MongoClientBulkWriteError, index: number): { code: number; message: string } | undefined {
  return error.writeErrors.get(index);
}

/** Inserts of `ids` into `collection`, in order. */
function inserts(collection: string, ids: (number | string)[]): Model[] {
  return ids.map((_id) => ({ name: 'insertOne', namespace: ns(collection), document: { _id } }));
}

describe('embedded MongoDB conformance: MongoClient.bulkWrite (bulkWrite command)', () => {
  const t = useTestDatabase(DB);
  const orders = () => t.db.collection<Row>('orders');
  const audit = () => t.db.collection<Row>('audit');

  it('runs inserts, updates, upserts and deletes on two collections in one command, with a result per op', async () => {
    await orders().insertMany([
      { _id: 1, status: 'open', total: 10 },
      { _id: 2, status: 'open', total: 20 },
      { _id: 3, status: 'void', total: 0 },
    ]);
    t.commands.length = 0;
    const result = await t.client.bulkWrite<Schemas>(
      [
        { name: 'insertOne', namespace: ns('audit'), document: { _id: 'a1', event: 'start' } },
        { name: 'updateMany', namespace: ns('orders'), filter: { status: 'open' }, update: { $inc: { total: 1 } } },
        { name: 'updateOne', namespace: ns('orders'), filter: { _id: 3 }, update: { $set: { status: 'void' } } },
        { name: 'updateOne', namespace: ns('audit'), filter: { _id: 'a2' }, update: { $set: { event: 'upserted' } }, upsert: true },
        { name: 'replaceOne', namespace: ns('orders'), filter: { _id: 2 }, replacement: { status: 'paid', total: 21 } },
        { name: 'deleteOne', namespace: ns('orders'), filter: { status: 'void' } },
        { name: 'deleteMany', namespace: ns('audit'), filter: { event: 'nothing' } },
      ],
      { verboseResults: true },
    );

    expect(t.commands.filter((name) => name === 'bulkWrite')).to.have.length(1);
    expect(t.commands).to.not.include.members(['insert', 'update', 'delete']);
    expect(result).to.include({ insertedCount: 1, matchedCount: 4, modifiedCount: 3, upsertedCount: 1, deletedCount: 1 });
    expect(result.insertResults?.get(0)).to.deep.equal({ insertedId: 'a1' });
    expect(result.updateResults?.get(1)).to.deep.equal({ matchedCount: 2, modifiedCount: 2, didUpsert: false });
    expect(result.updateResults?.get(2)).to.deep.equal({ matchedCount: 1, modifiedCount: 0, didUpsert: false });
    expect(result.updateResults?.get(3)).to.deep.equal({ matchedCount: 1, modifiedCount: 0, didUpsert: true, upsertedId: 'a2' });
    expect(result.updateResults?.get(4)).to.deep.equal({ matchedCount: 1, modifiedCount: 1, didUpsert: false });
    expect(result.deleteResults?.get(5)).to.deep.equal({ deletedCount: 1 });
    expect(result.deleteResults?.get(6)).to.deep.equal({ deletedCount: 0 });
    expect(await orders().find().sort({ _id: 1 }).toArray()).to.deep.equal([
      { _id: 1, status: 'open', total: 11 },
      { _id: 2, status: 'paid', total: 21 },
    ]);
    expect(await audit().find().sort({ _id: 1 }).toArray()).to.deep.equal([
      { _id: 'a1', event: 'start' },
      { _id: 'a2', event: 'upserted' },
    ]);
  });

  it('stops an ordered bulk write at an E11000, reporting it with mongod message and the ops done before it', async () => {
    const models = [...inserts('orders', [1]), ...inserts('audit', ['x', 'x']), ...inserts('orders', [2])];
    const error = await t.client.bulkWrite<Schemas>(models, { verboseResults: true }).then(
      () => expect.fail('the duplicate insert must fail the bulk write'),
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(MongoClientBulkWriteError);
    const bulkError = error as MongoClientBulkWriteError;
    expect([...bulkError.writeErrors.keys()]).to.deep.equal([2]);
    expect(writeErrorAt(bulkError, 2)).to.deep.equal({
      code: 11000,
      message: `E11000 duplicate key error collection: ${DB}.audit index: _id_ dup key: { _id: "x" }`,
    });
    expect([...(bulkError.partialResult?.insertResults?.keys() ?? [])]).to.deep.equal([0, 1]);
    expect(await orders().find().toArray()).to.deep.equal([{ _id: 1 }]);
    expect(await audit().find().toArray()).to.deep.equal([{ _id: 'x' }]);
  });

  it('goes on past an E11000 when unordered, reporting every other op and the error at its index', async () => {
    const models = [...inserts('orders', [1]), ...inserts('audit', ['x', 'x']), ...inserts('orders', [2])];
    const error = await t.client.bulkWrite<Schemas>(models, { verboseResults: true, ordered: false }).then(
      () => expect.fail('the duplicate insert must fail the bulk write'),
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(MongoClientBulkWriteError);
    const bulkError = error as MongoClientBulkWriteError;
    expect([...bulkError.writeErrors.keys()]).to.deep.equal([2]);
    expect(writeErrorAt(bulkError, 2)?.code).to.equal(11000);
    expect(bulkError.partialResult?.insertedCount).to.equal(3);
    expect([...(bulkError.partialResult?.insertResults?.keys() ?? [])]).to.deep.equal([0, 1, 3]);
    expect(await orders().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 1 }, { _id: 2 }]);
  });

  it('upserts with a pipeline update, seeding the new document from the filter, then matches it unchanged', async () => {
    const upsert: Model = {
      name: 'updateOne',
      namespace: ns('orders'),
      filter: { _id: 'p1', kind: 'pipeline' },
      update: [{ $set: { total: { $add: [1, 2] }, lines: { $ifNull: ['$lines', 0] } } }],
      upsert: true,
    };
    const first = await t.client.bulkWrite<Schemas>([upsert], { verboseResults: true });
    expect(first.updateResults?.get(0)).to.deep.equal({ matchedCount: 1, modifiedCount: 0, didUpsert: true, upsertedId: 'p1' });
    expect(await orders().findOne({ _id: 'p1' })).to.deep.equal({ _id: 'p1', kind: 'pipeline', total: 3, lines: 0 });

    const again = await t.client.bulkWrite<Schemas>([upsert], { verboseResults: true });
    expect(again).to.include({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
    expect(again.updateResults?.get(0)).to.deep.equal({ matchedCount: 1, modifiedCount: 0, didUpsert: false });
  });

  it('returns only the failed ops when verbose results are off (errorsOnly), with the totals of all of them', async () => {
    const reply = await t.client.db('admin').command({
      bulkWrite: 1,
      ops: [{ insert: 0, document: { _id: 1 } }, { insert: 0, document: { _id: 1 } }, { delete: 1, filter: {} }],
      nsInfo: [{ ns: ns('orders') }, { ns: ns('audit') }],
      ordered: false,
      errorsOnly: true,
    });

    expect(reply.cursor.ns).to.equal('admin.$cmd.bulkWrite');
    expect(Number(reply.cursor.id)).to.equal(0);
    expect(reply.cursor.firstBatch).to.have.length(1);
    expect(reply.cursor.firstBatch[0]).to.include({ ok: 0, idx: 1, n: 0, code: 11000, codeName: 'DuplicateKey' });
    expect(reply.cursor.firstBatch[0].keyValue).to.deep.equal({ _id: 1 });
    expect(reply).to.include({ nErrors: 1, nInserted: 1, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 });
  });

  it('accepts ops and nsInfo in the command body as well as in document sequences', async () => {
    const reply = await t.client.db('admin').command({
      bulkWrite: 1,
      ops: [
        { insert: 0, document: { _id: 7, n: 1 } },
        { update: 0, filter: { _id: 7 }, updateMods: { $inc: { n: 1 } } },
        { update: 0, filter: { _id: 7 }, updateMods: { $set: { _id: 8 } } },
      ],
      nsInfo: [{ ns: ns('orders') }],
      errorsOnly: false,
    });

    expect(reply.cursor.firstBatch.map((item: Document) => ({ ok: item.ok, idx: item.idx, n: item.n, nModified: item.nModified }))).to.deep.equal([
      { ok: 1, idx: 0, n: 1, nModified: undefined },
      { ok: 1, idx: 1, n: 1, nModified: 1 },
      { ok: 0, idx: 2, n: 0, nModified: 0 },
    ]);
    expect(reply.cursor.firstBatch[2]).to.include({ code: 66, codeName: 'ImmutableField' });
    expect(await orders().findOne({ _id: 7 })).to.deep.equal({ _id: 7, n: 2 });
  });

  it('fails the whole command, writing nothing, when an op names an nsInfo index out of range', async () => {
    const command = t.client.db('admin').command({
      bulkWrite: 1,
      ops: [{ insert: 0, document: { _id: 1 } }, { insert: 1, document: { _id: 2 } }],
      nsInfo: [{ ns: ns('orders') }],
    });

    await expect(command).to.be.rejectedWith(MongoServerError).and.eventually.include({ codeName: 'BadValue' });
    expect(await orders().countDocuments()).to.equal(0);
  });

  it("serves mongoose's Connection.bulkWrite across two models in one command", async () => {
    const connection = await mongoose.createConnection(testMongoUri(), { dbName: DB, monitorCommands: true }).asPromise();
    const writes: string[] = [];
    connection.getClient().on('commandStarted', (event) => {
      if (['bulkWrite', 'insert', 'update', 'delete'].includes(event.commandName)) writes.push(event.commandName);
    });
    try {
      connection.model('Order', new mongoose.Schema({ _id: Number, total: Number }, { collection: 'orders', versionKey: false }));
      connection.model('Audit', new mongoose.Schema({ _id: String, event: String }, { collection: 'audit', versionKey: false }));
      const result = await connection.bulkWrite<{ Order: { _id: number; total: number }; Audit: { _id: string; event?: string } }>([
        { model: 'Order', name: 'insertOne', document: { _id: 1, total: 12 } },
        { model: 'Audit', name: 'updateOne', filter: { _id: 'a1' }, update: { $set: { event: 'paid' } }, upsert: true },
        { model: 'Order', name: 'updateOne', filter: { _id: 1 }, update: { $inc: { total: 1 } } },
      ]);
      expect(result).to.include({ insertedCount: 1, upsertedCount: 1, matchedCount: 1, modifiedCount: 1 });
      expect(writes).to.deep.equal(['bulkWrite']);
    } finally {
      await connection.close();
    }
    expect(await orders().find().toArray()).to.deep.equal([{ _id: 1, total: 13 }]);
    expect(await audit().find().toArray()).to.deep.equal([{ _id: 'a1', event: 'paid' }]);
  });

  it('commits with a transaction and vanishes with an aborted one', async () => {
    const session = t.client.startSession();
    try {
      await session.withTransaction(() => t.client.bulkWrite<Schemas>([...inserts('orders', [1]), ...inserts('audit', ['kept'])], { session }));
      session.startTransaction();
      await t.client.bulkWrite<Schemas>([...inserts('orders', [2]), ...inserts('audit', ['dropped'])], { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }

    expect(await orders().find().toArray()).to.deep.equal([{ _id: 1 }]);
    expect(await audit().find().toArray()).to.deep.equal([{ _id: 'kept' }]);
  });
});

describe('embedded MongoDB: server version (7.0 / 8.0)', () => {
  const started: { mongo: EmbeddedMongo; client: MongoClient }[] = [];
  const start = async (options: Parameters<typeof startEmbeddedMongo>[0] = {}) => {
    const mongo = await startEmbeddedMongo(options);
    const client = await new MongoClient(mongo.uri).connect();
    started.push({ mongo, client });
    return { mongo, client };
  };

  afterEach(async () => {
    for (const { mongo, client } of started.splice(0)) {
      await client.close();
      await mongo.stop();
    }
  });

  it('acts as MongoDB 8.0 by default and counts a client bulk write as one command', async () => {
    const { mongo, client } = await start();
    const hello = await client.db('admin').command({ hello: 1 });
    const build = await client.db('admin').command({ buildInfo: 1 });
    expect(hello.maxWireVersion).to.equal(25);
    expect(build.version).to.match(/^8\.0\./);
    expect(build.versionArray.slice(0, 2)).to.deep.equal([8, 0]);

    await client.bulkWrite<Schemas>([
      { name: 'insertOne', namespace: 'v8.a', document: { _id: 1 } },
      { name: 'insertOne', namespace: 'v8.b', document: { _id: 1 } },
      { name: 'deleteOne', namespace: 'v8.a', filter: { _id: 1 } },
    ]);
    expect(mongo.stats().commandsByName).to.deep.equal({ buildInfo: 1, bulkWrite: 1 });
    expect(await client.db('v8').collection('b').countDocuments()).to.equal(1);
  });

  it('acts as MongoDB 7.0 when asked, answering bulkWrite with CommandNotFound and writing nothing', async () => {
    const { client } = await start({ serverVersion: '7.0' });
    const hello = await client.db('admin').command({ hello: 1 });
    const build = await client.db('admin').command({ buildInfo: 1 });
    expect(hello.maxWireVersion).to.equal(21);
    expect(build.version).to.match(/^7\.0\./);

    const error = await client.bulkWrite<Schemas>([{ name: 'insertOne', namespace: 'v7.a', document: { _id: 1 } }]).then(
      () => expect.fail('a 7.0 server has no bulkWrite command'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(MongoClientBulkWriteError);
    expect((error as MongoClientBulkWriteError).cause).to.include({ code: 59, codeName: 'CommandNotFound', message: "no such command: 'bulkWrite'" });
    expect(await client.db('v7').collection('a').countDocuments()).to.equal(0);
  });

  it('answers a bulkWrite retried under the same txnNumber with its first reply, applying it once', async () => {
    const { mongo, client } = await start();
    const raw = await RawConnection.open(mongo.port);
    try {
      const lsid = { id: new Binary(Buffer.alloc(16, 9), 4) };
      const body = { bulkWrite: 1, errorsOnly: false, ordered: true, lsid, txnNumber: Long.fromNumber(1), $db: 'admin' };
      const send = (requestId: number): void =>
        raw.sendMsg(requestId, { ...body, nsInfo: [{ ns: 'retry.c' }] }, 0, { id: 'ops', docs: [{ update: 0, filter: { _id: 1 }, updateMods: { $inc: { n: 1 } }, upsert: true }] });
      send(1);
      const first = BSON.deserialize(((await raw.next()) as Buffer).subarray(21));
      send(2);
      const retried = BSON.deserialize(((await raw.next()) as Buffer).subarray(21));
      expect(first).to.include({ ok: 1, nUpserted: 1 });
      expect(retried.cursor.firstBatch).to.deep.equal(first.cursor.firstBatch);
      expect(await client.db('retry').collection('c').findOne({ _id: 1 as never })).to.deep.equal({ _id: 1, n: 1 });
    } finally {
      raw.close();
    }
  });
});

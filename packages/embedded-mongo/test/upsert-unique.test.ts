import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

interface Account {
  _id: string;
  v?: number;
  email?: string;
  kind?: string;
  created?: boolean;
  nested?: { a?: number; b?: number };
}

describe('embedded MongoDB conformance: upserts and unique indexes', () => {
  const t = useTestDatabase('conformance_upsert_unique');
  const accounts = () => t.db.collection<Account>('accounts');

  it('seeds an upserted document from the filter equality fields and applies $setOnInsert', async () => {
    const result = await accounts().updateOne(
      { _id: 'a1', kind: 'user', 'nested.a': 1, v: { $gt: 3 } },
      { $set: { email: 'a@x.io' }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(result).to.include({ upsertedCount: 1, matchedCount: 0, upsertedId: 'a1' });
    expect(await accounts().findOne({ _id: 'a1' })).to.deep.equal({ _id: 'a1', kind: 'user', nested: { a: 1 }, email: 'a@x.io', created: true });
  });

  it('ignores $setOnInsert when the upsert matches an existing document', async () => {
    await accounts().insertOne({ _id: 'a2', v: 1 });
    await accounts().updateOne({ _id: 'a2' }, { $set: { v: 2 }, $setOnInsert: { created: true } }, { upsert: true });
    expect(await accounts().findOne({ _id: 'a2' })).to.deep.equal({ _id: 'a2', v: 2 });
  });

  it('upserts a replacement document, taking _id from the filter', async () => {
    await accounts().replaceOne({ _id: 'a3' }, { v: 7 }, { upsert: true });
    expect(await accounts().findOne({ _id: 'a3' })).to.deep.equal({ _id: 'a3', v: 7 });
  });

  it('reports a duplicate _id on insert as E11000 with keyPattern and keyValue', async () => {
    await accounts().insertOne({ _id: 'x' });
    const error = await accounts().insertOne({ _id: 'x' }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    const duplicate = error as MongoServerError;
    expect(duplicate.code).to.equal(11000);
    expect(duplicate.message).to.equal('E11000 duplicate key error collection: conformance_upsert_unique.accounts index: _id_ dup key: { _id: "x" }');
    expect(duplicate.keyPattern).to.deep.equal({ _id: 1 });
    expect(duplicate.keyValue).to.deep.equal({ _id: 'x' });
  });

  it('answers a guarded upsert whose filter misses an existing _id with E11000', async () => {
    await accounts().insertOne({ _id: 'x', v: 7 });
    const attempt = accounts().updateOne({ _id: 'x', v: { $lt: 5 } }, { $set: { v: 5 } }, { upsert: true });
    await expect(attempt).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 11000 });
    expect(await accounts().findOne({ _id: 'x' })).to.deep.equal({ _id: 'x', v: 7 });
  });

  it('enforces a unique secondary index on insert and update', async () => {
    await accounts().createIndex({ email: 1 }, { unique: true });
    await accounts().insertOne({ _id: 'u1', email: 'a@x.io' });
    await accounts().insertOne({ _id: 'u2', email: 'b@x.io' });
    const insert = await accounts().insertOne({ _id: 'u3', email: 'a@x.io' }).then(() => undefined, (e: unknown) => e);
    expect(insert).to.include({ code: 11000 });
    expect((insert as MongoServerError).keyValue).to.deep.equal({ email: 'a@x.io' });
    await expect(accounts().updateOne({ _id: 'u2' }, { $set: { email: 'a@x.io' } })).to.be.rejectedWith(MongoServerError);
    expect((await accounts().findOne({ _id: 'u2' }))?.email).to.equal('b@x.io');
  });

  it('treats missing fields as null in a unique index unless it is sparse', async () => {
    await accounts().createIndex({ email: 1 }, { unique: true });
    await accounts().insertOne({ _id: 'n1' });
    await expect(accounts().insertOne({ _id: 'n2' })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 11000 });
    const sparse = t.db.collection<Account>('sparse');
    await sparse.createIndex({ email: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ _id: 's1' }, { _id: 's2' }]);
    expect(await sparse.countDocuments()).to.equal(2);
  });

  it('enforces a partial unique index only on documents matching its filter', async () => {
    await accounts().createIndex({ email: 1 }, { unique: true, partialFilterExpression: { kind: 'user' } });
    await accounts().insertMany([{ _id: 'p1', email: 'same', kind: 'bot' }, { _id: 'p2', email: 'same', kind: 'user' }]);
    await expect(accounts().insertOne({ _id: 'p3', email: 'same', kind: 'user' })).to.be.rejectedWith(MongoServerError);
  });

  it('enforces a compound unique index on the combination of fields', async () => {
    await accounts().createIndex({ kind: 1, email: 1 }, { unique: true });
    await accounts().insertMany([{ _id: 'c1', kind: 'a', email: 'e' }, { _id: 'c2', kind: 'b', email: 'e' }]);
    const error = await accounts().insertOne({ _id: 'c3', kind: 'a', email: 'e' }).then(() => undefined, (e: unknown) => e);
    expect(error).to.include({ code: 11000 });
    expect((error as MongoServerError).keyPattern).to.deep.equal({ kind: 1, email: 1 });
    expect((error as MongoServerError).keyValue).to.deep.equal({ kind: 'a', email: 'e' });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    await accounts().insertMany([{ _id: 'd1', email: 'dup' }, { _id: 'd2', email: 'dup' }]);
    await expect(accounts().createIndex({ email: 1 }, { unique: true })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 11000 });
  });

  it('reports E11000 from findOneAndUpdate as a failed command with keyValue', async () => {
    await accounts().insertOne({ _id: 'f1', v: 9 });
    const error = await accounts()
      .findOneAndUpdate({ _id: 'f1', v: { $lt: 5 } }, { $set: { v: 1 } }, { upsert: true })
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    expect(error).to.include({ code: 11000 });
    expect((error as MongoServerError).keyValue).to.deep.equal({ _id: 'f1' });
  });

  it('lists and drops indexes', async () => {
    await accounts().createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    const indexes = await accounts().listIndexes().toArray();
    expect(indexes.map((i) => i.name)).to.deep.equal(['_id_', 'email_unique']);
    expect(indexes[1]).to.include({ unique: true });
    await accounts().dropIndex('email_unique');
    await accounts().insertMany([{ _id: 'i1', email: 'z' }, { _id: 'i2', email: 'z' }]);
    expect(await accounts().countDocuments({ email: 'z' })).to.equal(2);
  });
});

describe('embedded MongoDB conformance: bulk writes with errors', () => {
  const t = useTestDatabase('conformance_bulk');
  const docs = () => t.db.collection<{ _id: number; v?: number }>('docs');

  beforeEach(async () => {
    await docs().insertOne({ _id: 1, v: 0 });
  });

  it('stops an ordered bulk write at the first error', async () => {
    const error = await docs()
      .bulkWrite([{ insertOne: { document: { _id: 2 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 3 } } }], { ordered: true })
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    expect(bulk.insertedCount).to.equal(1);
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).to.deep.equal([[1, 11000]]);
    expect(await docs().countDocuments()).to.equal(2);
  });

  it('continues an unordered bulk write past errors and reports each with its index', async () => {
    const error = await docs()
      .bulkWrite(
        [
          { insertOne: { document: { _id: 1 } } },
          { updateOne: { filter: { _id: 1 }, update: { $inc: { v: 1 } } } },
          { insertOne: { document: { _id: 2 } } },
          { insertOne: { document: { _id: 2 } } },
          { deleteOne: { filter: { _id: 99 } } },
          { updateOne: { filter: { _id: 5 }, update: { $set: { v: 5 } }, upsert: true } },
        ],
        { ordered: false },
      )
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code]).sort()).to.deep.equal([[0, 11000], [3, 11000]]);
    expect(bulk.result).to.include({ insertedCount: 1, matchedCount: 1, modifiedCount: 1, upsertedCount: 1, deletedCount: 0 });
    expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 1, v: 1 }, { _id: 2 }, { _id: 5, v: 5 }]);
  });

  it('reports upserted ids by operation index', async () => {
    const result = await docs().bulkWrite([
      { updateOne: { filter: { _id: 1 }, update: { $set: { v: 1 } }, upsert: true } },
      { updateOne: { filter: { _id: 7 }, update: { $set: { v: 7 } }, upsert: true } },
    ]);
    expect(result.upsertedCount).to.equal(1);
    expect(result.upsertedIds).to.deep.equal({ 1: 7 });
    expect(result.matchedCount).to.equal(1);
  });
});

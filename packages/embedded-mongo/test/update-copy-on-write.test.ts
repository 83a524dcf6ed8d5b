import { type Document, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/** Numeric ids; any other field, dotted update paths included. */
interface Item extends Document {
  _id: number;
  shared?: { n: number; list: number[] };
}

describe('embedded MongoDB: updates share untouched subtrees, never mutate stored versions', () => {
  const t = useTestDatabase('conformance_copy_on_write');
  const docs = () => t.db.collection<Item>('docs');

  it('keeps a value set on many documents independent when one of them is later changed inside it', async () => {
    await docs().insertMany([{ _id: 1 }, { _id: 2 }]);
    await docs().updateMany({}, { $set: { shared: { n: 1, list: [1] } } });
    await docs().updateOne({ _id: 1 }, { $inc: { 'shared.n': 5 }, $set: { 'shared.list.1': 2 } });
    expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([
      { _id: 1, shared: { n: 6, list: [1, 2] } },
      { _id: 2, shared: { n: 1, list: [1] } },
    ]);
  });

  it('serves an open cursor the versions it started with after nested fields change', async () => {
    await docs().insertMany([{ _id: 1, nested: { v: 1 }, other: { w: 1 } }, { _id: 2, nested: { v: 2 }, other: { w: 2 } }]);
    const cursor = docs().find({}, { batchSize: 1 });
    const first = await cursor.next();
    await docs().updateMany({}, { $set: { 'nested.v': 0 }, $unset: { 'other.w': '' } });
    const second = await cursor.next();
    await cursor.close();
    expect([first, second]).to.deep.equal([
      { _id: 1, nested: { v: 1 }, other: { w: 1 } },
      { _id: 2, nested: { v: 2 }, other: { w: 2 } },
    ]);
  });

  it('restores nested fields changed inside an aborted transaction', async () => {
    await docs().insertOne({ _id: 1, nested: { v: 1, deep: { x: [1, 2] } }, kept: { k: 1 } });
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await docs().updateOne({ _id: 1 }, { $set: { 'nested.deep.x.0': 9, 'kept.extra': 1 } }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, nested: { v: 1, deep: { x: [1, 2] } }, kept: { k: 1 } });
  });

  it('renames a field into another top-level document without touching the source version', async () => {
    await docs().insertOne({ _id: 1, from: { a: 1 }, to: { b: 2 } });
    const before = await docs().findOneAndUpdate({ _id: 1 }, { $rename: { 'from.a': 'to.a' } }, { returnDocument: 'before' });
    expect(before).to.deep.equal({ _id: 1, from: { a: 1 }, to: { b: 2 } });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, from: {}, to: { b: 2, a: 1 } });
  });
});

describe('embedded MongoDB: conflicting update paths', () => {
  const t = useTestDatabase('conformance_update_conflicts');
  const docs = () => t.db.collection<Item>('docs');

  it('accepts sibling paths that share a prefix of characters but not of fields', async () => {
    await docs().insertOne({ _id: 1, a: { b: 1, bc: 2 } });
    await docs().updateOne({ _id: 1 }, { $set: { 'a.b': 5 }, $unset: { 'a.bc': '' } });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: { b: 5 } });
  });

  it('refuses a path under another operator\'s path, listed later', async () => {
    await docs().insertOne({ _id: 1 });
    await expect(docs().updateOne({ _id: 1 }, { $set: { x: 1, 'a.b.c': 1 }, $inc: { 'a.b': 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 40 });
  });

  it('refuses the same path under two operators', async () => {
    await docs().insertOne({ _id: 1 });
    await expect(docs().updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 40 });
  });
});

describe('embedded MongoDB: find with sort, limit and projection', () => {
  const t = useTestDatabase('conformance_top_k');
  const docs = () => t.db.collection<Item>('docs');

  beforeEach(async () => {
    await docs().insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, group: i % 5, body: { text: `doc ${i}` } })));
  });

  it('returns the first documents in sort order, ties in natural order', async () => {
    const page = await docs().find({}).sort({ group: -1 }).limit(3).toArray();
    expect(page.map((d) => d._id)).to.deep.equal([4, 9, 14]);
  });

  it('applies skip before limit on the sorted matches', async () => {
    const page = await docs().find({ group: { $lte: 1 } }).sort({ group: 1, _id: -1 }).skip(9).limit(3).toArray();
    expect(page.map((d) => d._id)).to.deep.equal([0, 46, 41]);
  });

  it('returns only _id for an { _id: 1 } projection', async () => {
    const page = await docs().find({}, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(2).toArray();
    expect(page).to.deep.equal([{ _id: 49 }, { _id: 48 }]);
  });
});

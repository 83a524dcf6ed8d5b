import { MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

interface Item {
  _id: number;
  name?: string;
  qty?: number;
  tags?: string[];
  size?: { h: number; w: number };
}

describe('embedded MongoDB conformance: CRUD', () => {
  const t = useTestDatabase('conformance_crud');
  const items = () => t.db.collection<Item>('items');

  beforeEach(async () => {
    await items().insertMany([
      { _id: 1, name: 'pen', qty: 10, tags: ['office', 'blue'], size: { h: 1, w: 14 } },
      { _id: 2, name: 'pad', qty: 25, tags: ['office'], size: { h: 20, w: 28 } },
      { _id: 3, name: 'mug', qty: 5, tags: ['kitchen', 'blue'], size: { h: 10, w: 8 } },
    ]);
  });

  it('finds documents by equality, comparison, $in, $exists and dotted paths', async () => {
    expect(await items().find({ name: 'pad' }).map((d) => d._id).toArray()).to.deep.equal([2]);
    expect(await items().find({ qty: { $gte: 10 } }).map((d) => d._id).toArray()).to.deep.equal([1, 2]);
    expect(await items().find({ _id: { $in: [3, 1, 9] } }).sort({ _id: 1 }).map((d) => d._id).toArray()).to.deep.equal([1, 3]);
    expect(await items().find({ 'size.h': { $lt: 15 } }).map((d) => d._id).toArray()).to.deep.equal([1, 3]);
    expect(await items().countDocuments({ missing: { $exists: false } })).to.equal(3);
  });

  it('matches array fields element-wise', async () => {
    expect(await items().find({ tags: 'blue' }).map((d) => d._id).toArray()).to.deep.equal([1, 3]);
    expect(await items().find({ tags: { $size: 1 } }).map((d) => d._id).toArray()).to.deep.equal([2]);
    expect(await items().find({ tags: { $all: ['office', 'blue'] } }).map((d) => d._id).toArray()).to.deep.equal([1]);
  });

  it('combines $or, $and, $nor and $not', async () => {
    const ids = (filter: object) => items().find(filter).sort({ _id: 1 }).map((d) => d._id).toArray();
    expect(await ids({ $or: [{ qty: 5 }, { name: 'pad' }] })).to.deep.equal([2, 3]);
    expect(await ids({ $and: [{ tags: 'blue' }, { qty: { $gt: 5 } }] })).to.deep.equal([1]);
    expect(await ids({ $nor: [{ qty: 5 }, { name: 'pad' }] })).to.deep.equal([1]);
    expect(await ids({ qty: { $not: { $gt: 5 } } })).to.deep.equal([3]);
  });

  it('sorts, skips, limits and projects', async () => {
    const docs = await items().find({}, { projection: { name: 1, _id: 0 } }).sort({ qty: -1 }).skip(1).limit(1).toArray();
    expect(docs).to.deep.equal([{ name: 'pen' }]);
    const excluded = await items().findOne({ _id: 1 }, { projection: { tags: 0, size: 0 } });
    expect(excluded).to.deep.equal({ _id: 1, name: 'pen', qty: 10 });
  });

  it('updates one and many documents, reporting matched and modified counts', async () => {
    const one = await items().updateOne({ _id: 1 }, { $set: { qty: 11 } });
    expect(one).to.include({ matchedCount: 1, modifiedCount: 1 });
    const same = await items().updateOne({ _id: 1 }, { $set: { qty: 11 } });
    expect(same).to.include({ matchedCount: 1, modifiedCount: 0 });
    const many = await items().updateMany({ tags: 'office' }, { $inc: { qty: 1 } });
    expect(many).to.include({ matchedCount: 2, modifiedCount: 2 });
    expect((await items().findOne({ _id: 2 }))?.qty).to.equal(26);
  });

  it('replaces a document but keeps its _id', async () => {
    await items().replaceOne({ _id: 3 }, { name: 'cup' });
    expect(await items().findOne({ _id: 3 })).to.deep.equal({ _id: 3, name: 'cup' });
  });

  it('deletes one and many documents', async () => {
    expect((await items().deleteOne({ tags: 'blue' })).deletedCount).to.equal(1);
    expect((await items().deleteMany({})).deletedCount).to.equal(2);
    expect(await items().countDocuments()).to.equal(0);
  });

  it('counts and lists distinct values', async () => {
    expect(await items().countDocuments({ tags: 'blue' })).to.equal(2);
    expect(await items().estimatedDocumentCount()).to.equal(3);
    expect((await items().distinct('tags')).sort()).to.deep.equal(['blue', 'kitchen', 'office']);
  });

  it('finds, updates and deletes with findOneAndUpdate / findOneAndDelete', async () => {
    const before = await items().findOneAndUpdate({ _id: 2 }, { $set: { qty: 1 } });
    expect(before?.qty).to.equal(25);
    const after = await items().findOneAndUpdate({ _id: 2 }, { $inc: { qty: 1 } }, { returnDocument: 'after' });
    expect(after?.qty).to.equal(2);
    const deleted = await items().findOneAndDelete({ qty: { $lt: 6 } }, { sort: { qty: 1 } });
    expect(deleted?._id).to.equal(2);
  });

  it('returns more than 101 documents through getMore batches', async () => {
    const many = t.db.collection<{ _id: number }>('many');
    await many.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })));
    t.commands.length = 0;
    const all = await many.find({}).sort({ _id: 1 }).toArray();
    expect(all).to.have.length(250);
    expect(all[249]?._id).to.equal(249);
    expect(t.commands.filter((name) => name === 'getMore').length).to.be.greaterThan(0);
  });

  it('honours batchSize on find cursors', async () => {
    const many = t.db.collection<{ _id: number }>('many');
    await many.insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i })));
    t.commands.length = 0;
    expect(await many.find({}, { batchSize: 10 }).toArray()).to.have.length(25);
    expect(t.commands.filter((name) => name === 'getMore')).to.have.length(2);
  });

  it('answers an unknown command with code 59 CommandNotFound', async () => {
    const error = await t.db.command({ noSuchCommandHere: 1 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    expect(error).to.include({ code: 59, codeName: 'CommandNotFound' });
  });

  it('renames a collection with its documents', async () => {
    await items().rename('renamed_items');
    expect(await t.db.collection('renamed_items').countDocuments()).to.equal(3);
    expect(await items().countDocuments()).to.equal(0);
  });

  it('lists collections and creates a collection explicitly', async () => {
    await t.db.createCollection('explicit');
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).to.deep.equal(['explicit', 'items']);
    await expect(t.db.createCollection('explicit')).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 48 });
  });
});

import { type Document, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/**
 * `$set` of plain and dotted paths, the shape of every mirror write, which the server applies without resolving
 * targets; these pin the semantics that shortcut must keep: field order, nModified, created and refused
 * intermediates, the general route for arrays and `$` parts, and stored versions left untouched.
 */
/** Numeric or string ids; any other field. */
interface Item extends Document {
  _id: number | string;
}

describe('embedded MongoDB: $set of plain and dotted paths', () => {
  const t = useTestDatabase('conformance_set_paths');
  const docs = () => t.db.collection<Item>('docs');

  it('keeps existing fields in place, appends new ones in lexicographic order as mongod does and creates missing sub-documents', async () => {
    await docs().insertOne({ _id: 1, b: 1, m: { x: 1 }, n: null });
    await docs().updateOne({ _id: 1 }, { $set: { z: 1, b: 2, 'm.y': 2, 'm.x': 0, 'q.r.s': 1 } });
    const doc = await docs().findOne({ _id: 1 });
    expect(doc).to.deep.equal({ _id: 1, b: 2, m: { x: 0, y: 2 }, n: null, z: 1, q: { r: { s: 1 } } });
    expect(Object.keys(doc ?? {})).to.deep.equal(['_id', 'b', 'm', 'n', 'q', 'z']);
  });

  it('counts a document as modified only when a value differs, numeric type and field order included', async () => {
    await docs().insertOne({ _id: 1, a: { b: 1, c: [1, { d: 'x' }] }, m: { w: 1 } });
    const same = await docs().updateOne({ _id: 1 }, { $set: { a: { b: 1, c: [1, { d: 'x' }] }, 'm.w': 1 } });
    expect(same).to.include({ matchedCount: 1, modifiedCount: 0 });
    const reordered = await docs().updateOne({ _id: 1 }, { $set: { a: { c: [1, { d: 'x' }], b: 1 } } });
    expect(reordered).to.include({ matchedCount: 1, modifiedCount: 1 });
  });

  it('seeds an upsert from the filter, _id first, and applies dotted paths on top', async () => {
    const filter = { _id: 'u1', $or: [{ '_mirror.watermark': { $lt: 5 } }, { '_mirror.watermark': { $exists: false } }] };
    const result = await docs().updateOne(filter, { $set: { name: 'n', stripeAccount: null, '_mirror.watermark': 5, '_mirror.rank': 0 } }, { upsert: true });
    expect(result.upsertedId).to.equal('u1');
    const doc = await docs().findOne({ _id: 'u1' });
    expect(Object.keys(doc ?? {})).to.deep.equal(['_id', '_mirror', 'name', 'stripeAccount']);
    expect(doc?._mirror).to.deep.equal({ watermark: 5, rank: 0 });
  });

  it('refuses to create a field inside a scalar with code 28 PathNotViable', async () => {
    await docs().insertOne({ _id: 1, a: 5 });
    await expect(docs().updateOne({ _id: 1 }, { $set: { 'a.b': 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 28 });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: 5 });
  });

  it('refuses to create a field inside null, as MongoDB does ("Cannot create field \'b\' in element {a: null}")', async () => {
    await docs().insertOne({ _id: 1, a: null, c: { d: null } });
    for (const path of ['a.b', 'c.d.e']) {
      await expect(docs().updateOne({ _id: 1 }, { $set: { [path]: 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 28 });
      await expect(docs().updateOne({ _id: 1 }, { $inc: { [path]: 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 28 });
    }
    expect(await docs().updateOne({ _id: 1 }, { $unset: { 'a.b': '' } })).to.include({ matchedCount: 1, modifiedCount: 0 });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: null, c: { d: null } });
  });

  it('treats __proto__, constructor and toString as plain field names, never as the prototype', async () => {
    await docs().insertOne({ _id: 1 });
    await docs().updateOne({ _id: 1 }, { $set: { '__proto__.polluted': 1 }, $inc: { 'constructor.count': 2 } });
    await docs().updateOne({ _id: 1 }, { $set: { 'toString.x': 'y' } });

    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const doc = await docs().findOne({ _id: 1 });
    expect(doc && Object.getOwnPropertyNames(doc)).to.deep.equal(['_id', '__proto__', 'constructor', 'toString']);
    expect(doc && Object.getOwnPropertyDescriptor(doc, '__proto__')?.value).to.deep.equal({ polluted: 1 });
    expect(doc?.constructor).to.deep.equal({ count: 2 });
    await docs().insertOne({ _id: 2 });
    expect(await docs().countDocuments({ 'constructor': { $exists: true } })).to.equal(1);
    expect(await docs().countDocuments({ 'hasOwnProperty': { $exists: true } })).to.equal(0);
    expect(await docs().countDocuments({ 'valueOf.x': { $exists: false } })).to.equal(2);
    expect(await docs().findOne({ _id: 2 }, { projection: { _id: 0, constructor: 1, 'toString.x': 1 } })).to.deep.equal({});
  });

  it('sets through arrays by index and by positional operators', async () => {
    await docs().insertOne({ _id: 1, a: [{ b: 1 }, { b: 2 }], c: [0] });
    await docs().updateOne({ _id: 1, 'a.b': 2 }, { $set: { 'a.$.b': 3, 'a.0.b': 0, 'c.2': 9 } });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: [{ b: 0 }, { b: 3 }], c: [0, null, 9] });
  });

  it('stores a field named like an operator as a plain field, as MongoDB does', async () => {
    await docs().insertOne({ _id: 1 });
    await docs().updateOne({ _id: 1 }, { $set: { 'm.$x': 1 } });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, m: { $x: 1 } });
  });

  it('leaves the stored version untouched for an open cursor when a dotted $set changes it', async () => {
    await docs().insertMany([{ _id: 1, m: { w: 1 } }, { _id: 2, m: { w: 1 } }]);
    const cursor = docs().find({}, { batchSize: 1 });
    await cursor.next();
    await docs().updateMany({}, { $set: { 'm.w': 2, 'm.v': 1 } });
    const second = await cursor.next();
    await cursor.close();
    expect(second).to.deep.equal({ _id: 2, m: { w: 1 } });
  });

  it('keeps inserted documents independent of each other and of later updates to one of them', async () => {
    await docs().insertMany([{ _id: 1, m: { w: 1 }, list: [{ x: 1 }] }, { _id: 2, m: { w: 1 }, list: [{ x: 1 }] }]);
    const cursor = docs().find({}, { batchSize: 1 });
    await cursor.next();
    await docs().updateOne({ _id: 2 }, { $set: { 'm.w': 2, 'list.0.x': 2 } });
    const second = await cursor.next();
    await cursor.close();
    expect(second).to.deep.equal({ _id: 2, m: { w: 1 }, list: [{ x: 1 }] });
    expect(await docs().find().toArray()).to.deep.equal([
      { _id: 1, m: { w: 1 }, list: [{ x: 1 }] },
      { _id: 2, m: { w: 2 }, list: [{ x: 2 }] },
    ]);
  });
});

import { type Document, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

interface Doc extends Document {
  _id: number;
}

describe('embedded MongoDB conformance: update operators', () => {
  const t = useTestDatabase('conformance_update');
  const docs = () => t.db.collection<Doc>('docs');

  async function updated(initial: Document, update: Document, options: Document = {}): Promise<Doc | null> {
    await docs().insertOne({ _id: 1, ...initial });
    await docs().updateOne({ _id: 1 }, update, options);
    return docs().findOne({ _id: 1 });
  }

  it('$set creates nested paths and $unset removes fields', async () => {
    expect(await updated({ a: 1, b: 2 }, { $set: { 'c.d': 3 }, $unset: { b: '' } })).to.deep.equal({ _id: 1, a: 1, c: { d: 3 } });
  });

  it('$inc, $mul, $min and $max do arithmetic and comparisons', async () => {
    const doc = await updated({ n: 5, m: 3, lo: 4, hi: 4 }, { $inc: { n: 2, fresh: 1 }, $mul: { m: 2 }, $min: { lo: 1 }, $max: { hi: 9 } });
    expect(doc).to.deep.equal({ _id: 1, n: 7, m: 6, lo: 1, hi: 9, fresh: 1 });
  });

  it('$rename moves a field', async () => {
    expect(await updated({ old: 'v' }, { $rename: { old: 'renamed' } })).to.deep.equal({ _id: 1, renamed: 'v' });
  });

  it('$push with $each, $sort and $slice, and $addToSet without duplicates', async () => {
    const doc = await updated({ list: [3, 1], set: ['a'] }, { $push: { list: { $each: [5, 2], $sort: 1, $slice: 3 } }, $addToSet: { set: { $each: ['a', 'b'] } } });
    expect(doc).to.deep.equal({ _id: 1, list: [1, 2, 3], set: ['a', 'b'] });
  });

  it('$pop, $pull with a condition and $pullAll', async () => {
    const doc = await updated({ a: [1, 2, 3], b: [1, 5, 9], c: ['x', 'y', 'x'] }, { $pop: { a: -1 }, $pull: { b: { $gte: 5 } }, $pullAll: { c: ['x'] } });
    expect(doc).to.deep.equal({ _id: 1, a: [2, 3], b: [1], c: ['y'] });
  });

  it('$currentDate sets a date', async () => {
    const doc = await updated({}, { $currentDate: { at: true } });
    expect(doc?.at).to.be.instanceOf(Date);
  });

  it('the positional $ operator updates the first matched array element', async () => {
    await docs().insertOne({ _id: 1, grades: [80, 85, 90] });
    await docs().updateOne({ _id: 1, grades: 85 }, { $set: { 'grades.$': 86 } });
    expect((await docs().findOne({ _id: 1 }))?.grades).to.deep.equal([80, 86, 90]);
  });

  it('$[] updates every array element and $[id] those matching arrayFilters', async () => {
    await docs().insertOne({ _id: 1, items: [{ q: 1 }, { q: 5 }, { q: 8 }], all: [1, 2] });
    await docs().updateOne({ _id: 1 }, { $inc: { 'all.$[]': 10, 'items.$[big].q': 100 } }, { arrayFilters: [{ 'big.q': { $gt: 4 } }] });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, items: [{ q: 1 }, { q: 105 }, { q: 108 }], all: [11, 12] });
  });

  it('refuses to modify _id with code 66 ImmutableField', async () => {
    await docs().insertOne({ _id: 1 });
    await expect(docs().updateOne({ _id: 1 }, { $set: { _id: 2 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 66 });
  });

  it('refuses conflicting paths in one update with code 40', async () => {
    await docs().insertOne({ _id: 1, a: { b: 1 } });
    await expect(docs().updateOne({ _id: 1 }, { $set: { a: 1, 'a.b': 2 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 40 });
  });

  it('refuses $inc on a non-numeric field with code 14 TypeMismatch', async () => {
    await docs().insertOne({ _id: 1, s: 'text' });
    await expect(docs().updateOne({ _id: 1 }, { $inc: { s: 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 14 });
  });

  it('refuses an update path with an empty field name with code 56', async () => {
    await docs().insertOne({ _id: 1 });
    await expect(docs().updateOne({ _id: 1 }, { $set: { 'a..b': 1 } })).to.be.rejectedWith(MongoServerError).and.eventually.include({ code: 56 });
  });

  it('applies an aggregation-pipeline update', async () => {
    await docs().insertOne({ _id: 1, a: 2, b: 3 });
    await docs().updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }]);
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: 2, b: 3, sum: 5 });
  });
});

import { type Document } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

type Row = Document & { _id: number };

/**
 * Aggregation as MongoDB documents it: `$bucket` buckets are `[lower, upper)`
 * (https://www.mongodb.com/docs/manual/reference/operator/aggregation/bucket/), comparison expressions compare
 * values of different types by the BSON comparison order
 * (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/), and `$project` adds computed fields
 * in the order written.
 */
describe('embedded MongoDB conformance: aggregation', () => {
  const t = useTestDatabase('conformance_aggregation');
  const rows = () => t.db.collection<Row>('rows');

  it('$bucket puts a value equal to a boundary in the bucket that boundary opens', async () => {
    await rows().insertMany([{ _id: 1, p: 0 }, { _id: 2, p: 99 }, { _id: 3, p: 100 }, { _id: 4, p: 150 }, { _id: 5, p: 500 }]);
    const buckets = await rows().aggregate([{ $bucket: { groupBy: '$p', boundaries: [0, 100, 200], default: 'other' } }]).toArray();
    expect(buckets).to.deep.equal([{ _id: 0, count: 2 }, { _id: 100, count: 2 }, { _id: 'other', count: 1 }]);
  });

  it('$bucket with output accumulators', async () => {
    await rows().insertMany([{ _id: 1, p: 10 }, { _id: 2, p: 20 }, { _id: 3, p: 120 }]);
    const buckets = await rows().aggregate([{ $bucket: { groupBy: '$p', boundaries: [0, 100, 200], output: { ids: { $push: '$_id' } } } }]).toArray();
    expect(buckets).to.deep.equal([{ _id: 0, ids: [1, 2] }, { _id: 100, ids: [3] }]);
  });

  it('comparison expressions across types follow the BSON order (null < number < string < object < array < boolean)', async () => {
    await rows().insertOne({ _id: 1 });
    const [result] = await rows().aggregate([{
      $project: {
        _id: 0,
        nullNumber: { $lt: [null, 0] },
        numberString: { $lt: [0, 'a'] },
        objectArray: { $lt: [{}, []] },
        arrayObject: { $gt: [[], {}] },
        numberBool: { $lt: [1, true] },
        cmp: { $cmp: ['a', 1] },
        longDouble: { $eq: [{ $toLong: 2 }, 2.0] },
      },
    }]).toArray();
    expect(result).to.deep.equal({ nullNumber: true, numberString: true, objectArray: true, arrayObject: true, numberBool: true, cmp: 1, longDouble: true });
  });

  it('$expr with a cross-type comparison finds the documents', async () => {
    await rows().insertMany([{ _id: 1, v: 5 }, { _id: 2, v: 'text' }, { _id: 3, v: null }]);
    const ids = await rows().find({ $expr: { $lt: [null, '$v'] } }).sort({ _id: 1 }).map((d) => d._id).toArray();
    expect(ids).to.deep.equal([1, 2]);
  });

  it('$project keeps included fields in document order and computed fields in written order', async () => {
    await rows().insertOne({ _id: 1, a: 1, q: 'z' });
    const [doc] = await rows().aggregate([{ $project: { z: '$q', b: { $add: ['$a', 1] }, a: 1 } }]).toArray();
    expect(Object.keys(doc ?? {})).to.deep.equal(['_id', 'a', 'z', 'b']);
    expect(doc).to.deep.equal({ _id: 1, a: 1, z: 'z', b: 2 });
  });
});

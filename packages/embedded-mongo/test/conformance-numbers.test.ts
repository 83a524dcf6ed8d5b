import { Double, Long } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/**
 * Numeric result types as MongoDB documents them: `$inc`/`$mul` on int32 values that overflow give int64
 * (https://www.mongodb.com/docs/manual/reference/operator/update/inc/), `$avg` returns a double for numeric input
 * (https://www.mongodb.com/docs/manual/reference/operator/aggregation/avg/).
 */
describe('embedded MongoDB conformance: numeric types', () => {
  const t = useTestDatabase('conformance_numbers');
  const counters = () => t.db.collection<{ _id: number; n: number | Long }>('counters');

  it('$inc past the int32 range gives a long', async () => {
    await counters().insertOne({ _id: 1, n: 2147483647 });
    await counters().updateOne({ _id: 1 }, { $inc: { n: 1 } });
    expect(await counters().countDocuments({ n: { $type: 'long' } })).to.equal(1);
    const doc = await counters().findOne({ _id: 1 }, { promoteLongs: false });
    expect(doc?.n).to.be.instanceOf(Long);
    expect(String(doc?.n)).to.equal('2147483648');
  });

  it('$mul past the int32 range gives a long with the exact product', async () => {
    await counters().insertOne({ _id: 1, n: 2_000_000_000 });
    await counters().updateOne({ _id: 1 }, { $mul: { n: 3 } });
    const doc = await counters().findOne({ _id: 1 }, { promoteLongs: false });
    expect(doc?.n).to.be.instanceOf(Long);
    expect(String(doc?.n)).to.equal('6000000000');
  });

  it('$inc within the int32 range stays an int', async () => {
    await counters().insertOne({ _id: 1, n: 5 });
    await counters().updateOne({ _id: 1 }, { $inc: { n: 1 } });
    expect(await counters().countDocuments({ n: { $type: 'int' } })).to.equal(1);
  });

  it('$avg of integers returns a double, even when the mean is integral', async () => {
    await counters().insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 3 }]);
    const [result] = await counters().aggregate([{ $group: { _id: null, avg: { $avg: '$n' } } }], { promoteValues: false }).toArray();
    expect(result?.avg).to.be.instanceOf(Double);
    expect(Number(result?.avg)).to.equal(2);
  });
});

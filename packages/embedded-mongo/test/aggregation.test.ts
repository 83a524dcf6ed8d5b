import { Decimal128, Long } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

describe('embedded MongoDB conformance: aggregation', () => {
  const t = useTestDatabase('conformance_aggregation');
  const orders = () => t.db.collection<{ _id: number; customer: string; amount: number; status: string }>('orders');
  const customers = () => t.db.collection<{ _id: string; name: string }>('customers');

  beforeEach(async () => {
    await orders().insertMany([
      { _id: 1, customer: 'c1', amount: 10, status: 'paid' },
      { _id: 2, customer: 'c2', amount: 5, status: 'paid' },
      { _id: 3, customer: 'c1', amount: 7, status: 'open' },
      { _id: 4, customer: 'c1', amount: 3, status: 'paid' },
    ]);
    await customers().insertMany([{ _id: 'c1', name: 'Ann' }, { _id: 'c2', name: 'Bob' }]);
  });

  it('filters with $match, groups with $group and orders with $sort', async () => {
    const totals = await orders()
      .aggregate([{ $match: { status: 'paid' } }, { $group: { _id: '$customer', total: { $sum: '$amount' }, n: { $sum: 1 } } }, { $sort: { total: -1 } }])
      .toArray();
    expect(totals).to.deep.equal([{ _id: 'c1', total: 13, n: 2 }, { _id: 'c2', total: 5, n: 1 }]);
  });

  it('sums and compares int64 and Decimal128 values exactly in $group', async () => {
    const amounts = t.db.collection<{ _id: number; l: Long; d: Decimal128 }>('amounts');
    await amounts.insertMany([
      { _id: 1, l: Long.fromNumber(5), d: Decimal128.fromString('1.5') },
      { _id: 2, l: Long.fromNumber(10), d: Decimal128.fromString('2.25') },
    ]);
    const [totals] = await amounts
      .aggregate([{ $group: { _id: null, l: { $sum: '$l' }, d: { $sum: '$d' }, max: { $max: '$l' } } }], { promoteLongs: false })
      .toArray();
    expect(String(totals?.l)).to.equal('15');
    expect(String(totals?.d)).to.equal('3.75');
    expect(String(totals?.max)).to.equal('10');
  });

  it('joins another collection with $lookup', async () => {
    const joined = await orders().aggregate([{ $match: { _id: 2 } }, { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } }]).toArray();
    expect(joined).to.deep.equal([{ _id: 2, customer: 'c2', amount: 5, status: 'paid', who: [{ _id: 'c2', name: 'Bob' }] }]);
  });

  it('counts with $count, and $skip / $limit page results', async () => {
    expect(await orders().aggregate([{ $match: { customer: 'c1' } }, { $count: 'n' }]).toArray()).to.deep.equal([{ n: 3 }]);
    const page = await orders().aggregate([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }]).toArray();
    expect(page).to.deep.equal([{ _id: 2 }, { _id: 3 }]);
  });

  it('returns more than 101 aggregation results through getMore', async () => {
    const many = t.db.collection<{ _id: number }>('many');
    await many.insertMany(Array.from({ length: 150 }, (_, i) => ({ _id: i })));
    expect(await many.aggregate([{ $match: {} }]).toArray()).to.have.length(150);
  });
});

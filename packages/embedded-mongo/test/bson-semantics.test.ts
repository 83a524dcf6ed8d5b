import { Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

describe('embedded MongoDB conformance: BSON types, ordering and field names', () => {
  const t = useTestDatabase('conformance_bson');
  const values = () => t.db.collection<{ _id: string; v: unknown }>('values');
  const ids = async (filter: object, sort: object = { _id: 1 }) => (await values().find(filter).sort(sort as never).toArray()).map((d) => d._id);

  it('sorts mixed types in MongoDB order: null, numbers, strings, objects, ObjectId, booleans, dates', async () => {
    await values().insertMany([
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: true },
      { _id: 'oid', v: new ObjectId() },
      { _id: 'object', v: { a: 1 } },
      { _id: 'string', v: 'abc' },
      { _id: 'decimal', v: Decimal128.fromString('2.5') },
      { _id: 'long', v: Long.fromNumber(3) },
      { _id: 'double', v: new Double(1.5) },
      { _id: 'null', v: null },
    ]);
    expect(await ids({}, { v: 1 })).to.deep.equal(['null', 'double', 'decimal', 'long', 'string', 'object', 'oid', 'bool', 'date']);
    expect(await ids({}, { v: -1 })).to.deep.equal(['date', 'bool', 'oid', 'object', 'string', 'long', 'decimal', 'double', 'null']);
  });

  it('compares int32, int64, double and Decimal128 numerically, not as strings', async () => {
    await values().insertMany([
      { _id: 'int', v: new Int32(9) },
      { _id: 'long', v: Long.fromString('10') },
      { _id: 'double', v: new Double(9.5) },
      { _id: 'decimal', v: Decimal128.fromString('100') },
      { _id: 'bigLong', v: Long.fromString('9007199254740993') },
    ]);
    expect(await ids({ v: { $gt: 9.25 } })).to.deep.equal(['bigLong', 'decimal', 'double', 'long']);
    expect(await ids({ v: { $lt: Long.fromNumber(10) } })).to.deep.equal(['double', 'int']);
    expect(await ids({ v: { $gte: Decimal128.fromString('9.5'), $lte: 10 } })).to.deep.equal(['double', 'long']);
    expect(await ids({ v: { $gt: 9007199254740992 } })).to.deep.equal(['bigLong']);
    expect(await ids({}, { v: 1 })).to.deep.equal(['int', 'double', 'long', 'decimal', 'bigLong']);
  });

  it('treats equal numbers of different types as equal', async () => {
    await values().insertMany([
      { _id: 'int', v: new Int32(1) },
      { _id: 'long', v: Long.fromNumber(1) },
      { _id: 'double', v: new Double(1) },
      { _id: 'decimal', v: Decimal128.fromString('1.0') },
      { _id: 'two', v: 2 },
    ]);
    expect(await ids({ v: 1 })).to.deep.equal(['decimal', 'double', 'int', 'long']);
    expect(await ids({ v: { $in: [Decimal128.fromString('2')] } })).to.deep.equal(['two']);
  });

  it('only compares values of the same type bracket in $gt/$lt', async () => {
    await values().insertMany([{ _id: 'n', v: 5 }, { _id: 's', v: '5' }, { _id: 'null', v: null }]);
    expect(await ids({ v: { $gt: 1 } })).to.deep.equal(['n']);
    expect(await ids({ v: { $gt: '' } })).to.deep.equal(['s']);
  });

  it('keeps Long and Decimal128 values intact through a round trip', async () => {
    await values().insertOne({ _id: 'x', v: { l: Long.fromString('9223372036854775807'), d: Decimal128.fromString('0.1') } });
    const doc = await values().findOne({ _id: 'x' }, { promoteLongs: false });
    const v = doc?.v as { l: Long; d: Decimal128 };
    expect(v.l.toString()).to.equal('9223372036854775807');
    expect(v.d.toString()).to.equal('0.1');
  });

  it('stores and returns field names with dots and dollars inside embedded documents', async () => {
    const metadata = { 'a.b': 'dotted', $price: 'dollar', plain: { 'x.y': 1 } };
    await values().insertOne({ _id: 'meta', v: metadata });
    expect((await values().findOne({ _id: 'meta' }))?.v).to.deep.equal(metadata);
    await values().updateOne({ _id: 'meta' }, { $set: { v: { 'c.d': 2, $e: 3 } } });
    expect((await values().findOne({ _id: 'meta' }))?.v).to.deep.equal({ 'c.d': 2, $e: 3 });
  });

  it('stores a __proto__ field name as an ordinary field', async () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    await values().insertOne({ _id: 'proto', v });
    const stored = (await values().findOne({ _id: 'proto' }))?.v as Record<string, unknown>;
    expect(Object.keys(stored)).to.deep.equal(['__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).to.deep.equal({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('upserts documents whose embedded field names contain dots and dollars', async () => {
    await values().updateOne({ _id: 'up' }, { $set: { v: { 'k.1': true, $k: false } } }, { upsert: true });
    expect(await values().findOne({ _id: 'up' })).to.deep.equal({ _id: 'up', v: { 'k.1': true, $k: false } });
  });
});

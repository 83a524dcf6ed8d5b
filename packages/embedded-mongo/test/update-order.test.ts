import { BSON, type Document } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/**
 * Where an operator update puts NEW fields: MongoDB ≥ 5.0 applies the paths of all operators as one tree, field names
 * in lexicographic order and numeric names in numeric order, so new fields land in that order whatever the statement
 * order; existing fields keep their positions.
 */
interface Item extends Document {
  _id: number | string;
}

/** The fields one test sets through several operators. */
interface Mixed {
  _id: number;
  a?: number;
  d?: Date;
  m?: number[];
  q?: number;
  z?: number;
}

/** Field names of the BSON document `bytes` (or of its sub-document at `path`), in stored order. */
function bsonFieldNames(bytes: Uint8Array, path: readonly string[] = []): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements = Array.from(BSON.onDemand.parseToElements(buffer));
  const names = elements.map(([, nameOffset, nameLength]) => buffer.toString('utf8', nameOffset, nameOffset + nameLength));
  if (path.length === 0) return names;
  const element = elements[names.indexOf(path[0] as string)];
  if (!element) throw new Error(`no field ${String(path[0])}`);
  const [, , , offset, length] = element;
  return bsonFieldNames(buffer.subarray(offset, offset + length), path.slice(1));
}

describe('embedded MongoDB: the order update operators add fields in', () => {
  const t = useTestDatabase('conformance_update_order');
  const docs = () => t.db.collection<Item>('docs');
  const keys = async (id: number | string) => Object.keys((await docs().findOne({ _id: id })) ?? {});

  it('adds new top-level fields in lexicographic (byte) order after the existing ones', async () => {
    await docs().insertOne({ _id: 1, m: 1 });
    await docs().updateOne({ _id: 1 }, { $set: { z: 1, a: 1, _x: 1, B: 1, m: 2 } });
    expect(await keys(1)).to.deep.equal(['_id', 'm', 'B', '_x', 'a', 'z']);
  });

  it('orders paths component by component, nested new fields included', async () => {
    await docs().insertOne({ _id: 1, m: { x: 1 } });
    await docs().updateOne({ _id: 1 }, { $set: { 'n.c.e': 1, 'm.z': 1, 'a-c': 1, 'n.a': 1, 'm.b': 1, 'a.b': 1 } });
    const doc = await docs().findOne({ _id: 1 });
    expect(Object.keys(doc ?? {})).to.deep.equal(['_id', 'm', 'a', 'a-c', 'n']);
    expect(Object.keys(doc?.m ?? {})).to.deep.equal(['x', 'b', 'z']);
    expect(Object.keys(doc?.n ?? {})).to.deep.equal(['a', 'c']);
  });

  it('orders numeric names numerically, before longer names starting with a digit, in a sub-document without arrays', async () => {
    await docs().insertOne({ _id: 1, a: {} });
    await docs().updateOne({ _id: 1 }, { $set: { 'a.b': 1, 'a.1x': 1, 'a.10': 1, 'a.2': 1 } });
    const raw = (await docs().findOne({ _id: 1 }, { raw: true })) as unknown as Uint8Array;
    expect(bsonFieldNames(raw, ['a'])).to.deep.equal(['2', '10', '1x', 'b']);
  });

  it('interleaves the paths of every operator', async () => {
    await docs().insertOne({ _id: 1 });
    await t.db.collection<Mixed>('docs').updateOne({ _id: 1 }, { $set: { z: 1 }, $inc: { a: 1 }, $push: { m: 1 }, $currentDate: { d: true }, $unset: { q: '' } });
    expect(await keys(1)).to.deep.equal(['_id', 'a', 'd', 'm', 'z']);
  });

  it('seeds an upsert from the filter, then adds the update fields ($setOnInsert included) in order', async () => {
    await docs().updateOne({ k: 'v', _id: 'u1' }, { $set: { z: 1, b: 1 }, $setOnInsert: { a: 1, 'c.d': 1 } }, { upsert: true });
    expect(await keys('u1')).to.deep.equal(['_id', 'k', 'a', 'b', 'c', 'z']);
    const after = await docs().findOneAndUpdate({ _id: 'u2' }, { $set: { z: 1 }, $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' });
    expect(Object.keys(after ?? {})).to.deep.equal(['_id', 'n', 'z']);
    expect(await keys('u2')).to.deep.equal(['_id', 'n', 'z']);
  });

  it('ignores $setOnInsert on an update, creating no intermediate documents', async () => {
    await docs().insertOne({ _id: 1 });
    await docs().updateOne({ _id: 1 }, { $setOnInsert: { 'x.y': 1, a: 1 }, $set: { z: 1 } }, { upsert: true });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, z: 1 });
  });

  it('applies $rename in the order of its destination', async () => {
    await docs().insertOne({ _id: 1, old: 1, b: 2 });
    await docs().updateOne({ _id: 1 }, { $rename: { old: 'zz', b: 'a' } });
    expect(await docs().findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: 2, zz: 1 });
    expect(await keys(1)).to.deep.equal(['_id', 'a', 'zz']);
    await docs().updateOne({ _id: 1 }, { $rename: { a: 'm' }, $set: { z: 1, c: 1 } });
    expect(await keys(1)).to.deep.equal(['_id', 'zz', 'c', 'm', 'z']);
  });

  it('applies positional $ as the matched index and merges $[] with $[id] per element', async () => {
    await docs().insertOne({ _id: 1, a: [{ x: 1 }, { x: 2 }], c: [{ q: 1 }, { q: 5 }] });
    await docs().updateOne({ _id: 1, 'a.x': 2 }, { $set: { 'a.$.z': 1, 'a.1.b': 1 } });
    await docs().updateOne({ _id: 1 }, { $set: { 'c.$[].z': 1, 'c.$[big].b': 1 } }, { arrayFilters: [{ 'big.q': { $gt: 4 } }] });
    const doc = await docs().findOne({ _id: 1 });
    expect(Object.keys(doc?.a[1] ?? {})).to.deep.equal(['x', 'b', 'z']);
    expect(doc?.c.map((element: Document) => Object.keys(element))).to.deep.equal([['q', 'z'], ['q', 'b', 'z']]);
  });
});

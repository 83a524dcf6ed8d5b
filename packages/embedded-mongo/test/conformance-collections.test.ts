import { type Document, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

type Row = Document & { _id: number };

/**
 * Collection options, hints and the document size limit as MongoDB documents them
 * (https://www.mongodb.com/docs/manual/reference/method/db.createCollection/,
 * https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size).
 */
describe('embedded MongoDB conformance: collections, hints and document size', () => {
  const t = useTestDatabase('conformance_collections');
  const items = () => t.db.collection<Row>('items');

  it("refuses capped: true without size: \"the 'size' field is required when 'capped' is true\" (InvalidOptions, 72)", async () => {
    const error = await t.db.createCollection('capped', { capped: true }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    expect((error as MongoServerError).code).to.equal(72);
    expect((error as MongoServerError).message).to.match(/'size' field is required/);
  });

  it('rejects a hint that names no index, even with documents that would match (BadValue, 2)', async () => {
    await items().insertOne({ _id: 1, a: 1 });
    const error = await items().find({ a: 1 }, { hint: 'missing_1' }).toArray().then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    expect((error as MongoServerError).code).to.equal(2);
    expect((error as MongoServerError).message).to.match(/hint provided does not correspond to an existing index/);
  });

  it('answers the same with a hint naming an existing index, by name or key pattern', async () => {
    await items().insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
    await items().createIndex({ a: 1 });
    expect(await items().find({ a: 2 }, { hint: 'a_1' }).toArray()).to.deep.equal([{ _id: 2, a: 2 }]);
    expect(await items().countDocuments({}, { hint: { a: 1 } })).to.equal(2);
  });

  it('refuses a document over 16 MiB with BSONObjectTooLarge (10334) and stores nothing', async () => {
    const big = 'x'.repeat(16.5 * 1024 * 1024);
    const error = await items().insertOne({ _id: 1, big }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MongoServerError);
    expect((error as MongoServerError).code).to.equal(10334);
    expect(await items().countDocuments({})).to.equal(0);
  });
});

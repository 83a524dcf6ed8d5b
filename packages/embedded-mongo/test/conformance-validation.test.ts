import { type Collection, type Document, MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/**
 * mongod parses a filter and an update before reading any document, so a bad one fails the same way on a missing or
 * empty collection as on a full one (https://www.mongodb.com/docs/manual/reference/operator/query/). Each test
 * compares the error on a collection that does not exist with the error on one holding a document.
 */
async function failure(run: () => Promise<unknown>): Promise<{ code: unknown; message: string }> {
  const error: unknown = await run().then(() => undefined, (e: unknown) => e);
  expect(error, 'the operation should fail').to.be.instanceOf(MongoServerError);
  const server = error as MongoServerError;
  return { code: server.code, message: server.message };
}

type Row = Document & { _id: number };

describe('embedded MongoDB conformance: validation does not depend on matching documents', () => {
  const t = useTestDatabase('conformance_validation');
  const missing = (): Collection<Row> => t.db.collection<Row>('missing');
  const full = (): Collection<Row> => t.db.collection<Row>('full');

  beforeEach(async () => {
    await full().insertOne({ _id: 1, a: 5, s: 'text', loc: [0, 0] });
  });

  const filters: Record<string, Document> = {
    '$where': { $where: 'true' },
    '$near': { loc: { $near: [0, 0] } },
    '$text': { $text: { $search: 'text' } },
    '$bitsAllSet': { a: { $bitsAllSet: 1 } },
    'an unknown field operator': { a: { $bogus: 1 } },
    'an unknown top-level operator': { $bogus: 1 },
    'an unknown operator after a failing condition': { a: 99, s: { $bogus: 1 } },
    'an unknown operator inside $or': { $or: [{ a: 99 }, { a: { $bogus: 1 } }] },
    'an unknown operator inside $elemMatch': { a: { $elemMatch: { $bogus: 1 } } },
    '$in with a non-array': { a: { $in: 1 } },
  };

  for (const [name, filter] of Object.entries(filters)) {
    it(`find with ${name} fails the same on a missing collection as on a full one`, async () => {
      const onMissing = await failure(() => missing().find(filter).toArray());
      const onFull = await failure(() => full().find(filter).toArray());
      expect(onMissing).to.deep.equal(onFull);
    });
  }

  it('updateMany({}, { $bogus }) fails with FailedToParse on an empty collection too', async () => {
    await full().deleteMany({});
    const onEmpty = await failure(() => full().updateMany({}, { $bogus: { a: 1 } }));
    await full().insertOne({ _id: 2, a: 1 });
    const onFull = await failure(() => full().updateMany({}, { $bogus: { a: 1 } }));
    expect(onEmpty).to.deep.equal(onFull);
    expect(onEmpty.code).to.equal(9);
    expect(onEmpty.message).to.match(/Unknown modifier: \$bogus/);
  });

  it('deleteMany with an unknown operator fails on a missing collection', async () => {
    const onMissing = await failure(() => missing().deleteMany({ a: { $bogus: 1 } }));
    const onFull = await failure(() => full().deleteMany({ a: { $bogus: 1 } }));
    expect(onMissing).to.deep.equal(onFull);
  });

  it('an aggregation $match with an unknown operator fails on a missing collection', async () => {
    const pipeline = [{ $match: { a: { $bogus: 1 } } }];
    const onMissing = await failure(() => missing().aggregate(pipeline).toArray());
    const onFull = await failure(() => full().aggregate(pipeline).toArray());
    expect(onMissing).to.deep.equal(onFull);
  });

  it('$limit: 0 is rejected: the limit must be positive (code 15958)', async () => {
    const error = await failure(() => full().aggregate([{ $limit: 0 }]).toArray());
    expect(error.code).to.equal(15958);
    expect(error.message).to.match(/the limit must be positive/);
  });
});

import { MongoClient } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { expect } from './support/chai.js';

interface Event {
  _id: string;
  status: string;
  processedAt?: Date | string;
}

/**
 * TTL indexes (https://www.mongodb.com/docs/manual/core/index-ttl/): a background task deletes documents whose
 * indexed date plus `expireAfterSeconds` is past, only those matching a partial index's filter, never those whose
 * field is missing or not a date. mongod runs it every 60 s; this server's period is an option, shortened here.
 */
describe('embedded MongoDB conformance: TTL indexes', () => {
  let mongo: EmbeddedMongo;
  let client: MongoClient;
  const events = () => client.db('conformance_ttl').collection<Event>('events');

  before(async () => {
    mongo = await startEmbeddedMongo({ ttlMonitorPeriodMs: 20 });
    client = await new MongoClient(mongo.uri).connect();
  });

  after(async () => {
    await client.close();
    await mongo.stop();
  });

  /** Polls until the document is gone (the monitor's next pass); fails after 5 s. */
  async function gone(id: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while ((await events().countDocuments({ _id: id })) > 0) {
      if (Date.now() > deadline) throw new Error(`${id} was never expired`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('deletes expired documents matching the partial filter, keeps the others', async () => {
    await events().createIndex({ processedAt: 1 }, { expireAfterSeconds: 60, partialFilterExpression: { status: { $in: ['processed', 'ignored'] } } });
    const old = new Date(Date.now() - 3_600_000);
    await events().insertMany([
      { _id: 'expired', status: 'processed', processedAt: old },
      { _id: 'pending', status: 'pending', processedAt: old },
      { _id: 'recent', status: 'processed', processedAt: new Date() },
      { _id: 'not-a-date', status: 'ignored', processedAt: old.toISOString() },
      { _id: 'no-field', status: 'processed' },
    ]);
    await gone('expired');
    const left = await events().find({}).sort({ _id: 1 }).map((e) => e._id).toArray();
    expect(left).to.deep.equal(['no-field', 'not-a-date', 'pending', 'recent']);
  });
});

import { MongoClient, MongoServerError } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { expect } from './support/chai.js';

describe('embedded MongoDB: unsupported features fail clearly', () => {
  let mongo: EmbeddedMongo;
  let client: MongoClient;
  const docs = () => client.db('refusals').collection<{ _id: number; s?: string }>('docs');

  before(async () => {
    mongo = await startEmbeddedMongo();
    client = await new MongoClient(mongo.uri).connect();
    await docs().insertOne({ _id: 1, s: 'text' });
  });

  after(async () => {
    await client.close();
    await mongo.stop();
  });

  const unsupported = /not supported by the stripe-mirror embedded MongoDB server/;

  it('refuses $text queries', async () => {
    await expect(docs().find({ $text: { $search: 'text' } }).toArray()).to.be.rejectedWith(MongoServerError, unsupported);
  });

  it('refuses text indexes', async () => {
    await expect(docs().createIndex({ s: 'text' })).to.be.rejectedWith(MongoServerError, /text indexes are not supported/);
  });

  it('refuses change streams', async () => {
    const stream = docs().watch();
    await expect(stream.tryNext()).to.be.rejectedWith(MongoServerError, /change streams/);
    await stream.close();
  });

  it('refuses a non-simple collation', async () => {
    await expect(docs().find({ s: 'TEXT' }, { collation: { locale: 'en', strength: 2 } }).toArray()).to.be.rejectedWith(MongoServerError, /collation/);
  });

  it('refuses $where', async () => {
    await expect(docs().find({ $where: 'true' }).toArray()).to.be.rejectedWith(MongoServerError, /\$where/);
  });

  it('refuses authentication', async () => {
    const authenticated = new MongoClient(mongo.uri.replace('mongodb://', 'mongodb://user:pass@'), { serverSelectionTimeoutMS: 1000 });
    await expect(authenticated.connect()).to.be.rejectedWith(/authentication is not supported/);
    await authenticated.close();
  });

  it('names unknown query operators', async () => {
    await expect(docs().find({ s: { $bogus: 1 } }).toArray()).to.be.rejectedWith(MongoServerError, /unknown operator: \$bogus/);
  });
});

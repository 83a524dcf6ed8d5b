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

describe('embedded MongoDB: collection options it would otherwise ignore are refused', () => {
  let mongo: EmbeddedMongo;
  let client: MongoClient;
  const db = () => client.db('refused_options');
  const unsupported = /not supported by the stripe-mirror embedded MongoDB server/;

  before(async () => {
    mongo = await startEmbeddedMongo();
    client = await new MongoClient(mongo.uri).connect();
  });

  after(async () => {
    await client.close();
    await mongo.stop();
  });

  const refused: Record<string, Record<string, unknown>> = {
    'views (create with viewOn)': { viewOn: 'docs', pipeline: [] },
    'timeseries collections': { timeseries: { timeField: 't' } },
    'capped collections with max': { capped: true, size: 4096, max: 10 },
    '$jsonSchema validators': { validator: { $jsonSchema: { required: ['a'] } } },
    'a default collation': { collation: { locale: 'en', strength: 2 } },
  };

  for (const [feature, options] of Object.entries(refused)) {
    it(`refuses ${feature} and creates no collection`, async () => {
      await expect(db().createCollection(`c_${feature.length}`, options)).to.be.rejectedWith(MongoServerError, unsupported);
      expect(await db().listCollections({ name: `c_${feature.length}` }).toArray()).to.deep.equal([]);
    });
  }

  it('refuses a hint naming a partial index, whose use would change the answer', async () => {
    const coll = db().collection<{ _id: number; a?: number }>('hinted');
    await coll.insertMany([{ _id: 1, a: 1 }, { _id: 2 }]);
    await coll.createIndex({ a: 1 }, { partialFilterExpression: { a: { $exists: true } } });
    await expect(coll.find({}, { hint: 'a_1' }).toArray()).to.be.rejectedWith(MongoServerError, unsupported);
  });
});

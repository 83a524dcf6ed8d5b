import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { freePort, startCli, type CliProcess } from './support/cli.js';

describe('stripe-mirror mongo', () => {
  let cli: CliProcess;
  let port: number;
  let uri: string;

  before(async () => {
    port = await freePort();
    cli = startCli(['mongo', '--port', String(port)]);
    uri = await cli.waitForLine(/^mongodb:\/\//);
  });

  after(async () => {
    await cli.stop();
  });

  it('prints the connection URI of the requested port on stdout', () => {
    expect(uri).to.match(new RegExp(`^mongodb://127\\.0\\.0\\.1:${port}/`));
  });

  it('serves a separate mongoose process: unique index, 10,000 bulk upserts, E11000, code 59', async () => {
    const connection = await mongoose.createConnection(uri, { dbName: 'cli_mongo_test' }).asPromise();
    try {
      const Widget = connection.model('Widget', new mongoose.Schema({ sku: { type: String, unique: true }, n: Number }));
      await Widget.init();
      const ops = Array.from({ length: 10_000 }, (_, i) => ({
        updateOne: { filter: { sku: `sku_${i}` }, update: { $set: { n: i } }, upsert: true },
      }));
      const result = await Widget.bulkWrite(ops, { ordered: false });
      expect(result.upsertedCount).to.equal(10_000);
      await expect(Widget.create({ sku: 'sku_1', n: 1 })).to.be.rejectedWith(/E11000/);
      await expect(connection.getClient().db('cli_mongo_test').command({ noSuchCommand: 1 })).to.be.rejected.and.eventually.have.property('code', 59);
    } finally {
      await connection.close();
    }
  });

  it('answers a guarded upsert whose filter misses an existing _id with E11000', async () => {
    const connection = await mongoose.createConnection(uri, { dbName: 'cli_mongo_test' }).asPromise();
    try {
      const docs = connection.getClient().db('cli_mongo_test').collection<{ _id: string; v: number }>('guarded');
      await docs.insertOne({ _id: 'x', v: 10 });
      await expect(docs.updateOne({ _id: 'x', v: { $lt: 5 } }, { $set: { v: 5 } }, { upsert: true }))
        .to.be.rejected.and.eventually.have.property('code', 11000);
      expect(await docs.findOne({ _id: 'x' })).to.deep.equal({ _id: 'x', v: 10 });
    } finally {
      await connection.close();
    }
  });

  it('compares Long, Decimal128 and double as numbers and keeps . and $ keys in embedded documents', async () => {
    const connection = await mongoose.createConnection(uri, { dbName: 'cli_mongo_test' }).asPromise();
    try {
      const { Long, Decimal128, Double } = mongoose.mongo;
      const docs = connection.getClient().db('cli_mongo_test').collection<{ _id: string; n: unknown; meta?: object }>('numbers');
      await docs.insertMany([
        { _id: 'long', n: Long.fromString('9007199254740993') },
        { _id: 'decimal', n: Decimal128.fromString('10.5') },
        { _id: 'double', n: new Double(2.5) },
        { _id: 'keys', n: 0, meta: { 'a.b': 'dotted', $x: 'dollar' } },
      ]);
      const ascending = await docs.find({ n: { $gt: 1 } }).sort({ n: 1 }).toArray();
      expect(ascending.map((d) => d._id)).to.deep.equal(['double', 'decimal', 'long']);
      expect(await docs.countDocuments({ n: { $gte: Decimal128.fromString('9007199254740993') } })).to.equal(1);
      expect((await docs.findOne({ _id: 'keys' }))?.meta).to.deep.equal({ 'a.b': 'dotted', $x: 'dollar' });
    } finally {
      await connection.close();
    }
  });

  it('stops cleanly with exit code 0 on SIGTERM', async () => {
    const result = await cli.stop('SIGTERM');
    expect(result.code).to.equal(0);
    expect(result.stdout.split('\n')[0]).to.equal(uri);
  });
});

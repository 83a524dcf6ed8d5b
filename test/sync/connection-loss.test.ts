import { startEmbeddedMongo, type EmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { MongoClient } from 'mongodb';
import { SyncWriteError, executeStripeWrites, planStripeWrites } from '../../src/sync/index.js';
import { expect } from '../support/chai.js';
import { startCuttingProxy } from '../support/cutting-proxy.js';

function customer(id: string, metadata: Record<string, string>): Record<string, unknown> {
  return { id, object: 'customer', email: `${id}@example.com`, metadata };
}

describe('executeStripeWrites(): a connection lost mid-write', () => {
  let mongo: EmbeddedMongo;

  beforeEach(async () => {
    mongo = await startEmbeddedMongo();
  });

  afterEach(async () => {
    await mongo.stop();
  });

  it('rejects a sync batch whose update never reached the server instead of reporting zero writes', async () => {
    const proxy = await startCuttingProxy(mongo.port, 'update');
    const client = await new MongoClient(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true`, {
      serverSelectionTimeoutMS: 1_500,
    }).connect();
    try {
      const collection = client.db('connection_loss').collection('stripe_objects');
      const writes = planStripeWrites(
        [customer('cus_lost1', { 'plan.tier': 'gold' }), customer('cus_lost2', {})],
        { watermark: 1_767_225_780, source: 'webhook', sourceId: 'evt_1' },
        { expandableFields: () => [] },
      );
      const failure = await expect(executeStripeWrites(collection, writes)).to.be.rejectedWith(SyncWriteError);
      expect(failure.failedIds).to.deep.equal(['cus_lost1', 'cus_lost2']);
      expect(await collection.countDocuments()).to.equal(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

import { MongoClient, type Collection } from 'mongodb';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { syncStripeObjects, type StripeObjectLike, type SyncEngineOptions } from '../../src/sync/index.js';
import { engineOptions, fixture } from './helpers.js';

/** An invoice with `count` line items (each its own document) and an expanded customer. */
function invoiceWithLines(count: number): StripeObjectLike {
  const invoice = fixture('invoice');
  const data = Array.from({ length: count }, (_, index) => ({
    id: `il_batch_${index}`, object: 'line_item', amount: 100 + index, currency: 'usd', metadata: {},
  }));
  return {
    ...invoice,
    customer: { id: 'cus_batch', object: 'customer', email: 'customer1@example.com' },
    lines: { object: 'list', data, has_more: false, total_count: count, url: `/v1/invoices/${invoice.id}/lines` },
  };
}

describe('syncStripeObjects(): round trips', () => {
  let client: MongoClient;
  let collection: Collection;
  let updates = 0;

  before(async () => {
    client = new MongoClient(testMongoUri(), { monitorCommands: true });
    client.on('commandStarted', (event) => {
      if (event.commandName === 'update') updates += 1;
    });
    await client.connect();
    collection = client.db('stripe_mirror_sync_test').collection('stripe_objects');
  });

  beforeEach(() => {
    updates = 0;
  });

  afterEach(async () => {
    await collection.deleteMany({});
  });

  after(async () => {
    await client.close();
  });

  const run = (objects: readonly StripeObjectLike[], options: Partial<SyncEngineOptions> = {}) =>
    syncStripeObjects(collection, objects, { watermark: 1767226320 }, { ...engineOptions, ...options });

  it('writes an object and its expanded objects with one update command', async () => {
    const report = await run([{ ...fixture('subscription'), customer: { id: 'cus_rt', object: 'customer' } }]);

    expect(report.upserted).to.equal(7);
    expect(updates).to.equal(1);
  });

  it('writes an invoice with 500 lines in one update command and stores every line', async () => {
    const report = await run([invoiceWithLines(500)]);

    expect(updates).to.equal(1);
    expect(report.upserted).to.equal(502);
    expect(await collection.countDocuments({ object: 'line_item' })).to.equal(500);
    const stored = await collection.findOne({ object: 'invoice' });
    expect(stored?.lines.data).to.have.length(500);
  });

  it('splits the writes into one update command per batch', async () => {
    await run([invoiceWithLines(500)], { batchSize: 100 });

    expect(updates).to.equal(6);
    expect(await collection.countDocuments()).to.equal(502);
  });

  it('syncs many objects in one update command per 1,000 documents', async () => {
    const customers = Array.from({ length: 1500 }, (_, index) => ({ id: `cus_many_${index}`, object: 'customer' }));
    await run(customers);

    expect(updates).to.equal(2);
    expect(await collection.countDocuments()).to.equal(1500);
  });

  it('retries only the stale writes, in one more update command', async () => {
    await run([invoiceWithLines(10)]);
    updates = 0;
    await syncStripeObjects(collection, [invoiceWithLines(10)], { watermark: 1767226000 }, engineOptions);

    expect(updates).to.equal(2);
  });
});

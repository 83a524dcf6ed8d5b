import { MongoClient, type Collection, type Document } from 'mongodb';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { syncStripeObjects, type StripeObjectLike, type SyncContext, type SyncReport } from '../../src/sync/index.js';
import { engineOptions, fixture } from './helpers.js';

const T = 1767226020;

/**
 * `context.expectNew`: new documents are sent as plain inserts, stored ones fall back to the guarded upsert. Every
 * outcome must be the one the guarded upsert alone gives; only the commands differ.
 */
describe('syncStripeObjects(): expectNew (insert first)', () => {
  let client: MongoClient;
  let db: ReturnType<MongoClient['db']>;
  let commands: string[] = [];

  before(async () => {
    client = new MongoClient(testMongoUri(), { monitorCommands: true });
    client.on('commandStarted', (event) => {
      if (['insert', 'update'].includes(event.commandName)) commands.push(event.commandName);
    });
    await client.connect();
    db = client.db('stripe_mirror_expect_new_test');
  });

  beforeEach(() => {
    commands = [];
  });

  afterEach(async () => {
    await db.dropDatabase();
  });

  after(async () => {
    await client.close();
  });

  const objects = (name = 'stripe_objects'): Collection => db.collection(name);
  const run = (items: readonly StripeObjectLike[], context: SyncContext, name?: string): Promise<SyncReport> =>
    syncStripeObjects(objects(name), items, context, engineOptions);
  const stored = (id: string, name?: string): Promise<Document | null> => objects(name).findOne({ _id: id } as Document);
  const withoutSyncTime = ({ _mirror, ...rest }: Document): Document => {
    const { syncedAt: _ignored, ...bookkeeping } = _mirror as Document;
    return { ...rest, _mirror: bookkeeping };
  };

  it('stores new documents exactly as the guarded upsert does', async () => {
    const subscription = { ...fixture('subscription'), customer: { id: 'cus_new', object: 'customer', email: 'a@b.c' } };
    const context = { watermark: T, source: 'backfill', stripeAccount: 'acct_1' } as const;

    const inserted = await run([subscription], { ...context, expectNew: true });
    await run([subscription], context, 'upserted');

    expect(inserted.upserted).to.equal(inserted.ids.length).and.greaterThan(1);
    for (const id of inserted.ids) {
      const viaInsert = await stored(id);
      const viaUpsert = await stored(id, 'upserted');
      expect(viaInsert, id).to.not.equal(null);
      expect(withoutSyncTime(viaInsert as Document)).to.deep.equal(withoutSyncTime(viaUpsert as Document));
    }
  });

  it('writes new documents with one insert command and no update', async () => {
    const customers = Array.from({ length: 300 }, (_, i) => ({ id: `cus_i${i}`, object: 'customer', email: `${i}@x.y` }));

    const report = await run(customers, { watermark: T, expectNew: true });

    expect(commands).to.deep.equal(['insert']);
    expect(report).to.include({ upserted: 300, modified: 0, stale: 0 });
    expect(await objects().countDocuments()).to.equal(300);
  });

  it('never stores a `deleted` field for an object that is not a tombstone', async () => {
    await run([{ id: 'cus_d', object: 'customer', deleted: false }], { watermark: T, expectNew: true });

    expect(await stored('cus_d')).to.not.have.property('deleted');
  });

  it('updates a stored older document through the guarded upsert after the insert conflicts', async () => {
    await run([{ id: 'cus_old', object: 'customer', name: 'old', phone: '1' }], { watermark: T });
    commands = [];

    const report = await run([{ id: 'cus_old', object: 'customer', name: 'new' }], { watermark: T + 1, expectNew: true });

    expect(report).to.deep.equal({ upserted: 0, modified: 1, stale: 0, ids: ['cus_old'] });
    expect(commands).to.deep.equal(['insert', 'update']);
    const document = await stored('cus_old');
    expect(document).to.include({ name: 'new' }).and.nested.include({ '_mirror.watermark': T + 1 });
    expect(document).to.not.have.property('phone');
  });

  it('counts a write older than the stored document as stale and leaves the document alone', async () => {
    await run([{ id: 'cus_newer', object: 'customer', name: 'newer' }], { watermark: T + 5 });

    const report = await run([{ id: 'cus_newer', object: 'customer', name: 'older' }], { watermark: T, expectNew: true });

    expect(report).to.include({ upserted: 0, modified: 0, stale: 1 });
    expect(await stored('cus_newer')).to.include({ name: 'newer' }).and.nested.include({ '_mirror.watermark': T + 5 });
  });

  it('keeps the rank rules for writes of the same second', async () => {
    await run([{ id: 'sub_r', object: 'subscription', status: 'active' }], { watermark: T });

    const lower = await run([{ id: 'sub_r', object: 'subscription', status: 'incomplete' }], { watermark: T, expectNew: true });
    const higher = await run([{ id: 'sub_r', object: 'subscription', status: 'canceled' }], { watermark: T, expectNew: true });

    expect(lower.stale).to.equal(1);
    expect(higher.modified).to.equal(1);
    expect(await stored('sub_r')).to.include({ status: 'canceled' });
  });

  it('mixes new and stored documents in one call', async () => {
    await run([{ id: 'cus_m1', object: 'customer', name: 'old' }], { watermark: T });

    const report = await run(
      [{ id: 'cus_m1', object: 'customer', name: 'new' }, { id: 'cus_m2', object: 'customer', name: 'fresh' }],
      { watermark: T + 1, expectNew: true },
    );

    expect(report).to.deep.equal({ upserted: 1, modified: 1, stale: 0, ids: ['cus_m1', 'cus_m2'] });
    expect(await stored('cus_m1')).to.include({ name: 'new' });
    expect(await stored('cus_m2')).to.include({ name: 'fresh' });
  });

  it('sends tombstones and types sharing ids through the guarded upsert', async () => {
    await run([{ id: 'price_1', object: 'price', unit_amount: 500 }], { watermark: T });
    await run([{ id: 'cus_t', object: 'customer', name: 'kept' }], { watermark: T });
    commands = [];

    const plan = await run([{ id: 'price_1', object: 'plan', amount: 100 }], { watermark: T + 1, expectNew: true });
    const tombstone = await run([{ id: 'cus_t', object: 'customer', deleted: true }], { watermark: T + 1, expectNew: true });

    expect(commands).to.not.include('insert');
    expect(plan.stale).to.equal(1);
    expect(await stored('price_1')).to.include({ object: 'price', unit_amount: 500 }).and.not.have.property('amount');
    expect(tombstone.modified).to.equal(1);
    expect(await stored('cus_t')).to.include({ name: 'kept', deleted: true });
  });

  it('lets concurrent writers of the same new ids end on the newest version, without errors', async () => {
    const customers = (name: string) => Array.from({ length: 200 }, (_, i) => ({ id: `cus_c${i}`, object: 'customer', name }));

    const reports = await Promise.all([
      run(customers('older'), { watermark: T, expectNew: true }),
      run(customers('newer'), { watermark: T + 1, expectNew: true }),
      run(customers('older'), { watermark: T, expectNew: true }),
    ]);

    expect(await objects().countDocuments({ name: 'newer' })).to.equal(200);
    expect(await objects().countDocuments()).to.equal(200);
    const upserted = reports.reduce((sum, report) => sum + report.upserted, 0);
    expect(upserted).to.equal(200);
  });
});

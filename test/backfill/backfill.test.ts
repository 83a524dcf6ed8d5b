import mongoose from 'mongoose';
import { backfill, BackfillOptionsError, CHECKPOINT_COLLECTION, type BackfillProgress } from '../../src/backfill/index.js';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import type { FakeStripe } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { countCustomers, fakeStripeMirror, interruptedCustomerBackfill, listQueries } from './helpers.js';
import { testMongoUri } from '../support/setup.js';


describe('backfill()', () => {
  let fake: FakeStripe;
  let mirror: StripeMirror;
  const customers = countCustomers;

  beforeEach(async () => {
    ({ fake, mirror } = await fakeStripeMirror());
  });

  afterEach(() => fake.stop());

  it('writes every object of the chosen types page by page, as backfill data stamped with the fetch time', async () => {
    fake.generate('customer', 250);
    const before = Math.floor(Date.now() / 1000);
    const report = await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(await customers()).to.equal(250);
    expect(report.lists[0]).to.include({ type: 'customer', objects: 250, pages: 3, outcome: 'done' });
    expect(listQueries(fake, '/v1/customers').map((q) => q.get('limit'))).to.deep.equal(['100', '100', '100']);
    const doc = await mongoose.connection.collection('stripe_objects').findOne({ object: 'customer' });
    expect(doc?._mirror?.source).to.equal('backfill');
    expect(doc?._mirror?.watermark).to.be.within(before, before + 5);
  });

  it('resumes an interrupted run after its last checkpointed id and ends with the same documents', async () => {
    fake.generate('customer', 2500);
    await interruptedCustomerBackfill(fake, { mirror });
    const checkpoint = await mongoose.connection.collection(CHECKPOINT_COLLECTION).findOne({ type: 'customer' });
    expect(checkpoint?.done).to.equal(false);
    expect(checkpoint?.pages).to.be.oneOf([10, 20]);
    expect(checkpoint?.objects).to.equal(Number(checkpoint?.pages) * 100);
    expect(await customers()).to.be.at.least(Number(checkpoint?.objects));
    const requestsBefore = listQueries(fake, '/v1/customers').length;

    const report = await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    const resumed = listQueries(fake, '/v1/customers').slice(requestsBefore);
    expect(resumed[0]?.get('starting_after')).to.equal(checkpoint?.lastId);
    expect(resumed).to.have.length(25 - Number(checkpoint?.pages));
    expect(report.lists[0]).to.include({ objects: 2500, pages: 25 });
    expect(await customers()).to.equal(2500);
  });

  it('starts over when the previous run finished', async () => {
    fake.generate('customer', 150);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    const before = listQueries(fake, '/v1/customers').length;
    const report = await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(listQueries(fake, '/v1/customers')[before]?.has('starting_after')).to.equal(false);
    expect(report.lists[0]).to.include({ objects: 150, outcome: 'done' });
  });

  it('inserts the objects of a first run, and upserts once a run finds them stored', async () => {
    fake.generate('customer', 2500);
    const connection = await mongoose.createConnection(testMongoUri(), { dbName: 'stripe_mirror_test', monitorCommands: true }).asPromise();
    const commands: string[] = [];
    connection.getClient().on('commandStarted', ({ commandName, command }) => {
      if (['insert', 'update'].includes(commandName) && command[commandName] === 'stripe_objects') commands.push(commandName);
    });
    try {
      const watched = createStripeMirror({ connection, stripe: fake.client() });
      await backfill({ mirror: watched, types: ['customer'], ratePerSecond: 1000 });
      expect(commands).to.deep.equal(['insert', 'insert', 'insert']);

      commands.length = 0;
      await backfill({ mirror: watched, types: ['customer'], ratePerSecond: 1000 });
      // The first group's inserts all conflict and are applied as guarded upserts; the next groups upsert at once.
      expect(commands).to.deep.equal(['insert', 'update', 'update', 'update']);
      expect(await customers()).to.equal(2500);
    } finally {
      await connection.close();
    }
  });

  it('waits out a 429 in the middle of pagination for the Retry-After it was given', async () => {
    fake.generate('customer', 2500);
    const progress: BackfillProgress[] = [];
    const started = Date.now();
    await backfill({
      mirror,
      types: ['customer'],
      ratePerSecond: 1000,
      onProgress: (p) => {
        progress.push(p);
        if (p.pages === 10 && p.waitingMs === undefined && !p.done) {
          fake.failNext({ status: 429, retryAfterSeconds: 1, path: /^\/v1\/customers$/ });
        }
      },
    });
    expect(Date.now() - started).to.be.at.least(1000);
    expect(progress.find((p) => p.waitingMs !== undefined)?.waitingMs).to.equal(1000);
    expect(await customers()).to.equal(2500);
  });

  it('backs off exponentially on 429s without Retry-After', async () => {
    fake.generate('customer', 10);
    fake.failNext({ status: 429, times: 2, path: /^\/v1\/customers$/ });
    const waits: number[] = [];
    await backfill({
      mirror,
      types: ['customer'],
      onProgress: (p) => void (p.waitingMs !== undefined && waits.push(p.waitingMs)),
    });
    expect(waits).to.have.length(2);
    expect(waits[0]).to.be.within(375, 625);
    expect(waits[1]).to.be.within(750, 1250);
    expect(await customers()).to.equal(10);
  });

  it('lists only objects created at or after `since`', async () => {
    fake.generate('customer', 300);
    const since = new Date((Math.floor(Date.now() / 1000) - 49) * 1000);
    await backfill({ mirror, types: ['customer'], since, ratePerSecond: 1000 });
    expect(listQueries(fake, '/v1/customers')[0]?.get('created[gte]')).to.equal(String(since.getTime() / 1000));
    expect(await customers()).to.be.within(45, 55);
  });

  it('syncs the platform and every connected account with allAccounts, stamping stripeAccount', async () => {
    fake.generate('customer', 3);
    fake.generate('customer', 4, { stripeAccount: 'acct_1ConnectedAAAA' });
    const report = await backfill({ mirror, types: ['customer'], allAccounts: true, ratePerSecond: 1000 });
    const objects = mongoose.connection.collection('stripe_objects');
    expect(await objects.countDocuments({ object: 'customer', stripeAccount: null })).to.equal(3);
    expect(await objects.countDocuments({ object: 'customer', stripeAccount: 'acct_1ConnectedAAAA' })).to.equal(4);
    expect(await objects.countDocuments({ object: 'account', id: 'acct_1ConnectedAAAA' })).to.equal(1);
    expect(report.lists.map((l) => l.account)).to.have.members([null, 'acct_1ConnectedAAAA']);
  });

  it('lists one connected account with `account`, sending the Stripe-Account header', async () => {
    fake.generate('customer', 2, { stripeAccount: 'acct_1ConnectedBBBB' });
    await backfill({ mirror, types: ['customer'], account: 'acct_1ConnectedBBBB', ratePerSecond: 1000 });
    expect(fake.requests.filter((r) => r.path === '/v1/customers').map((r) => r.stripeAccount)).to.deep.equal(['acct_1ConnectedBBBB']);
    expect(await mongoose.connection.collection('stripe_objects').countDocuments({ stripeAccount: 'acct_1ConnectedBBBB', object: 'customer' })).to.equal(2);
  });

  it('skips, with a warning, endpoints the account cannot list when no types were chosen', async () => {
    fake.generate('customer', 5);
    const warnings: string[] = [];
    const report = await backfill({ mirror, ratePerSecond: 2000, concurrency: 8, onWarning: (m) => warnings.push(m) });
    expect(report.lists.find((l) => l.type === 'customer')).to.include({ objects: 5, outcome: 'done' });
    const unavailable = report.lists.filter((l) => l.outcome === 'unavailable');
    expect(unavailable.length).to.be.greaterThan(0);
    expect(warnings).to.have.length(unavailable.length);
    expect(warnings[0]).to.match(/^skipped /);
    const unfinished = await mongoose.connection.collection(CHECKPOINT_COLLECTION).countDocuments({ done: false });
    expect(unfinished).to.equal(0);
  });

  it('reports progress per page with objects, pages, rate and a final done', async () => {
    fake.generate('customer', 230);
    const progress: BackfillProgress[] = [];
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => [p.objects, p.pages, p.done])).to.deep.equal([[100, 1, false], [200, 2, false], [230, 3, false], [230, 3, true]]);
    expect(progress.every((p) => p.type === 'customer' && p.account === null && p.rate >= 0)).to.equal(true);
  });

  it('rejects object types that cannot be listed', async () => {
    await expect(backfill({ mirror, types: ['customer', 'no_such_type'] })).to.be.rejectedWith(BackfillOptionsError, /'no_such_type'/);
  });

  it('rejects `account` together with `allAccounts`', async () => {
    await expect(backfill({ mirror, types: ['customer'], account: 'acct_1', allAccounts: true })).to.be.rejectedWith(BackfillOptionsError);
  });
});

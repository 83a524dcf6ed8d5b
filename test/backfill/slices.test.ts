import mongoose from 'mongoose';
import type Stripe from 'stripe';
import { backfill, CHECKPOINT_COLLECTION, type Checkpoint } from '../../src/backfill/index.js';
import { cutSlices, findOldest } from '../../src/backfill/slices.js';
import type { StripeMirror } from '../../src/models/mirror.js';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { countCustomers, fakeStripeMirror, interruptedCustomerBackfill, listQueries } from './helpers.js';


/** The `created` bounds a list request asked for, as `gte|lt` (empty for an open end). */
const boundsOf = (q: URLSearchParams): string => `${q.get('created[gte]') ?? ''}|${q.get('created[lt]') ?? ''}`;

/**
 * `count` customers whose `created` values crowd towards the start (cubic), many sharing a second, over about a
 * year: slices of equal length in time hold very different numbers of objects, and seconds at slice edges are shared.
 */
function insertSkewedCustomers(fake: FakeStripe, count: number): void {
  const now = Math.floor(Date.now() / 1000);
  const span = 365 * 86_400;
  fake.insert(
    Array.from({ length: count }, (_, i) => ({
      id: `cus_skew${String(i).padStart(6, '0')}`,
      object: 'customer',
      created: now - span + Math.floor(span * (i / count) ** 3),
      email: `skew${i}@example.com`,
      metadata: {},
    })),
  );
}

/** Every mirrored customer without the mirror's bookkeeping, by id. */
async function storedCustomers(): Promise<Record<string, unknown>[]> {
  return mongoose.connection
    .collection('stripe_objects')
    .find({ object: 'customer' }, { projection: { _mirror: 0 }, sort: { _id: 1 } })
    .toArray();
}

async function sliceCheckpoints(): Promise<Checkpoint[]> {
  const all = await mongoose.connection.collection<Checkpoint>(CHECKPOINT_COLLECTION).find({ slice: { $exists: true } }).toArray();
  return all.sort((a, b) => (a.slice?.index ?? 0) - (b.slice?.index ?? 0));
}

async function emptyMirror(): Promise<void> {
  await mongoose.connection.collection('stripe_objects').deleteMany({});
  await mongoose.connection.collection(CHECKPOINT_COLLECTION).deleteMany({});
}

/** The most page requests (not the `limit=1` probes for the oldest object) the client had in flight at once. */
function trackInFlight(stripe: Stripe): { max: () => number } {
  let inFlight = 0;
  let max = 0;
  const isPage = (event: { path: string }): boolean => event.path.includes('limit=100');
  stripe.on('request', (event: Stripe.RequestEvent) => {
    if (!isPage(event)) return;
    inFlight += 1;
    max = Math.max(max, inFlight);
  });
  stripe.on('response', (event: Stripe.ResponseEvent) => void (isPage(event) && (inFlight -= 1)));
  return { max: () => max };
}

describe('backfill({ slices })', () => {
  let fake: FakeStripe;
  let mirror: StripeMirror;
  const customers = countCustomers;

  beforeEach(async () => {
    ({ fake, mirror } = await fakeStripeMirror());
  });

  afterEach(() => fake.stop());

  it('ends with exactly the documents of an unsliced run, with skewed `created` values, each slice checkpointed', async () => {
    insertSkewedCustomers(fake, 2500);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 5000 });
    const unsliced = await storedCustomers();
    await emptyMirror();

    const report = await backfill({ mirror, types: ['customer'], ratePerSecond: 5000, slices: 8, concurrency: 8 });
    expect(await storedCustomers()).to.deep.equal(unsliced);
    expect(unsliced).to.have.length(2500);
    expect(report.lists).to.have.length(1);
    expect(report.lists[0]).to.include({ type: 'customer', objects: 2500, outcome: 'done' });
    const slices = await sliceCheckpoints();
    expect(slices.map((c) => c._id)).to.deep.equal(Array.from({ length: 8 }, (_, i) => `platform:customer#${i + 1}/8`));
    expect(slices.every((c) => c.done)).to.equal(true);
    expect(slices.reduce((sum, c) => sum + c.objects, 0)).to.equal(2500);
    expect(slices[0]?.slice).to.include({ gte: null });
    expect(slices[7]?.slice).to.include({ lt: null });
    slices.slice(1).forEach((c, i) => expect(c.slice?.gte).to.equal(slices[i]?.slice?.lt));
    const list = await mongoose.connection.collection<Checkpoint>(CHECKPOINT_COLLECTION).findOne({ _id: 'platform:customer' });
    expect(list).to.include({ done: true, slices: 8, objects: 2500 });
  });

  it('with slices 1 sends exactly the requests of an unsliced run', async () => {
    fake.generate('customer', 250);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    const unsliced = fake.requests.map((r) => `${r.method} ${r.path}?${r.query}`);
    const before = fake.requests.length;
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 1 });
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}?${r.query}`)).to.deep.equal(unsliced);
    expect(unsliced).to.have.length(3);
    expect(await sliceCheckpoints()).to.deep.equal([]);
  });

  it('does not slice a list of one page, nor an empty one: one request each, as unsliced', async () => {
    fake.generate('customer', 100);
    const report = await backfill({ mirror, types: ['customer', 'product'], ratePerSecond: 1000, slices: 8 });
    expect(listQueries(fake, '/v1/customers').map((q) => q.toString())).to.deep.equal(['limit=100']);
    expect(listQueries(fake, '/v1/products').map((q) => q.toString())).to.deep.equal(['limit=100']);
    expect(report.lists.find((l) => l.type === 'customer')).to.include({ objects: 100, pages: 1 });
    expect(await sliceCheckpoints()).to.deep.equal([]);
  });

  it('cuts from `since` without searching for the oldest object', async () => {
    fake.generate('customer', 1000);
    const since = Math.floor(Date.now() / 1000) - 600;
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 4, since: new Date(since * 1000) });
    expect(listQueries(fake, '/v1/customers').filter((q) => q.get('limit') === '1')).to.deep.equal([]);
    expect((await sliceCheckpoints())[0]?.slice).to.include({ gte: since });
    const expected = fake.list('customer').filter((c) => Number(c.created) >= since).length;
    expect(await customers()).to.equal(expected);
  });

  it('resumes every slice of an interrupted run from its own checkpoint, even when asked for other slices', async () => {
    fake.generate('customer', 2500);
    // Each slice holds about 13 pages, written ten and three: the failure lands once a first group is written.
    await interruptedCustomerBackfill(fake, { mirror, slices: 2, concurrency: 2 });
    const slices = await sliceCheckpoints();
    expect(slices).to.have.length(2);
    expect(slices.some((c) => !c.done)).to.equal(true);
    expect(slices.some((c) => c.lastId !== null)).to.equal(true);
    const before = fake.requests.length;

    const report = await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 5, concurrency: 5 });
    const resumed = fake.requests.slice(before).map((r) => new URLSearchParams(r.query));
    expect(resumed.every((q) => q.get('limit') === '100')).to.equal(true);
    for (const slice of slices) {
      const bounds = `${slice.slice?.gte ?? ''}|${slice.slice?.lt ?? ''}`;
      const first = resumed.find((q) => boundsOf(q) === bounds);
      if (slice.done) expect(first).to.equal(undefined);
      else expect(first?.get('starting_after') ?? null).to.equal(slice.lastId);
    }
    expect(new Set(resumed.map(boundsOf)).size).to.be.at.most(2);
    expect(report.lists[0]).to.include({ objects: 2500, outcome: 'done' });
    expect(await customers()).to.equal(2500);
    expect((await sliceCheckpoints()).map((c) => [c._id, c.done])).to.deep.equal([['platform:customer#1/2', true], ['platform:customer#2/2', true]]);
  });

  it('continues a list interrupted while walked whole from its last id, unsliced, when asked for slices', async () => {
    fake.generate('customer', 2500);
    await interruptedCustomerBackfill(fake, { mirror });
    const checkpoint = await mongoose.connection.collection<Checkpoint>(CHECKPOINT_COLLECTION).findOne({ _id: 'platform:customer' });
    const before = fake.requests.length;

    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 8, concurrency: 8 });
    const resumed = fake.requests.slice(before).map((r) => new URLSearchParams(r.query));
    expect(resumed[0]?.get('starting_after')).to.equal(checkpoint?.lastId);
    expect(resumed.every((q) => boundsOf(q) === '|')).to.equal(true);
    expect(await customers()).to.equal(2500);
    expect(await sliceCheckpoints()).to.deep.equal([]);
  });

  it('starts over, sliced afresh, when the previous sliced run finished', async () => {
    fake.generate('customer', 1000);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 4 });
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000, slices: 2 });
    expect((await sliceCheckpoints()).map((c) => [c._id, c.done])).to.deep.equal([['platform:customer#1/2', true], ['platform:customer#2/2', true]]);
    await backfill({ mirror, types: ['customer'], ratePerSecond: 1000 });
    expect(await sliceCheckpoints()).to.deep.equal([]);
    expect(await customers()).to.equal(1000);
  });

  it('lists objects created after the slice bounds were computed', async () => {
    fake.generate('customer', 2500);
    const stripe = fake.client();
    let created: Promise<Stripe.Customer> | undefined;
    await backfill({
      mirror,
      types: ['customer'],
      ratePerSecond: 1000,
      slices: 4,
      concurrency: 1,
      // One slot: the slices run one after another, oldest first, so the newest (open above) has not started yet.
      onProgress: () => void (created ??= stripe.customers.create({ email: 'late@example.com' })),
    });
    const late = await created;
    expect(late).to.not.equal(undefined);
    expect(await mongoose.connection.collection('stripe_objects').countDocuments({ _id: late?.id as never })).to.equal(1);
    expect(await customers()).to.equal(2501);
  });

  it('keeps up to `concurrency` requests in flight for one list where an unsliced walk keeps one', async function () {
    this.timeout(30_000);
    await fake.stop();
    fake = await startFakeStripe({ seed: 'none', latencyMs: 20 });
    fake.generate('customer', 2500);
    const unslicedClient = fake.client();
    const unsliced = trackInFlight(unslicedClient);
    await backfill({ mirror, stripe: unslicedClient, types: ['customer'], ratePerSecond: 5000, concurrency: 8 });
    await emptyMirror();
    const slicedClient = fake.client();
    const sliced = trackInFlight(slicedClient);
    await backfill({ mirror, stripe: slicedClient, types: ['customer'], ratePerSecond: 5000, slices: 8, concurrency: 8 });
    expect(unsliced.max()).to.equal(1);
    expect(sliced.max()).to.be.at.least(6);
    expect(await customers()).to.equal(2500);
  });

  it('rejects `slices` that is not a whole number of at least 1', async () => {
    await expect(backfill({ mirror, types: ['customer'], slices: 0 })).to.be.rejectedWith(/slices/);
    await expect(backfill({ mirror, types: ['customer'], slices: 2.5 })).to.be.rejectedWith(/slices/);
  });
});

describe('cutSlices() and findOldest()', () => {
  it('covers every second from the oldest to the newest exactly once, open below (no since) and above', () => {
    const slices = cutSlices({ since: null, oldest: 100, newest: 199, count: 4 });
    expect(slices).to.deep.equal([{ gte: null, lt: 125 }, { gte: 125, lt: 150 }, { gte: 150, lt: 175 }, { gte: 175, lt: null }]);
    expect(cutSlices({ since: 90, oldest: 90, newest: 92, count: 8 })).to.deep.equal([{ gte: 90, lt: 91 }, { gte: 91, lt: 92 }, { gte: 92, lt: null }]);
    expect(cutSlices({ since: null, oldest: 5, newest: 5, count: 8 })).to.equal(undefined);
  });

  it('finds a lower bound of the oldest created within the tolerance, never above it', async () => {
    const oldest = 1_600_000_000;
    const probes: number[] = [];
    const found = await findOldest(async (t) => (probes.push(t), t >= oldest), { knownAtOrBefore: 1_700_000_000, newest: 1_700_000_500, count: 8 });
    expect(found).to.be.at.most(oldest);
    expect(oldest - found).to.be.at.most(Math.floor(100_000_500 / 32));
    expect(probes.length % 8).to.equal(0);
    expect(probes.length / 8).to.be.at.most(4);
  });
});

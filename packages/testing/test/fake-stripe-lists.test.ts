import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe list pagination', () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
  });
  afterEach(() => fake.stop());

  async function createCustomers(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await stripe.customers.create({ email: `c${i}@example.com` })).id);
    return ids;
  }

  it('lists newest first with has_more and the list url', async () => {
    const ids = await createCustomers(3);
    const page = await stripe.customers.list({ limit: 2 });
    expect(page).to.include({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(page.data.map((c) => c.id)).to.deep.equal([ids[2], ids[1]]);
  });

  it('defaults to 10 per page', async () => {
    await createCustomers(12);
    expect((await stripe.customers.list()).data).to.have.length(10);
  });

  it('pages with starting_after until has_more is false', async () => {
    const ids = await createCustomers(7);
    const seen: string[] = [];
    let page = await stripe.customers.list({ limit: 3 });
    seen.push(...page.data.map((c) => c.id));
    while (page.has_more) {
      page = await stripe.customers.list({ limit: 3, starting_after: seen[seen.length - 1] ?? '' });
      seen.push(...page.data.map((c) => c.id));
    }
    expect(seen).to.deep.equal([...ids].reverse());
  });

  it('pages backwards with ending_before', async () => {
    const ids = await createCustomers(5);
    const page = await stripe.customers.list({ limit: 2, ending_before: ids[1] ?? '' });
    expect(page.data.map((c) => c.id)).to.deep.equal([ids[3], ids[2]]);
    expect(page.has_more).to.equal(true);
  });

  it('auto-pages every object across several pages with autoPagingToArray', async () => {
    fake.generate('customer', 250);
    const all = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(all).to.have.length(250);
    expect(new Set(all.map((c) => c.id)).size).to.equal(250);
    expect(fake.requests.filter((r) => r.path === '/v1/customers')).to.have.length(3);
  });

  it('filters by created[gte] and created[lt]', async () => {
    fake.generate('customer', 20);
    const created = fake.list('customer').map((c) => Number(c.created));
    const middle = created[10] ?? 0;
    const newer = await stripe.customers.list({ created: { gte: middle }, limit: 100 });
    const older = await stripe.customers.list({ created: { lt: middle }, limit: 100 });
    expect(newer.data).to.have.length(10);
    expect(older.data).to.have.length(10);
    expect(newer.data.every((c) => c.created >= middle)).to.equal(true);
  });

  it('rejects a limit above 100', async () => {
    await expect(stripe.customers.list({ limit: 101 })).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'less than or equal to 100');
  });

  it('rejects a starting_after cursor it does not know', async () => {
    await expect(stripe.customers.list({ starting_after: 'cus_missing' })).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, "No such customer: 'cus_missing'");
  });

  it('generates 100,000 customers, newest last', async () => {
    fake.generate('customer', 100_000);
    const [newest] = (await stripe.customers.list({ limit: 1 })).data;
    expect(newest?.email).to.equal('customer100000@example.com');
  });

  it('pages 10,000 generated customers through the SDK in pages of 100, each exactly once', async () => {
    fake.generate('customer', 10_000);
    const all = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect(all).to.have.length(10_000);
    expect(new Set(all.map((c) => c.id)).size).to.equal(10_000);
  });

  it('generates subscriptions with embedded items whose periods live on the items', async () => {
    fake.generate('customer', 3);
    fake.generate('subscription', 5);
    const subscriptions = await stripe.subscriptions.list({ limit: 10 });
    expect(subscriptions.data).to.have.length(5);
    const item = subscriptions.data[0]?.items.data[0];
    expect(item?.current_period_end).to.be.above(item?.current_period_start ?? Infinity);
    expect(fake.list('customer').map((c) => c.id)).to.include(String(subscriptions.data[0]?.customer));
  });
});

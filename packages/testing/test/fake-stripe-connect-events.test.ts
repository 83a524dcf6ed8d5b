import Stripe from 'stripe';
import { startFakeStripe, TestingKitError, type FakeStripe, type InsertableObject } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe Connect scoping, events and direct access', () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
  });
  afterEach(() => fake.stop());

  describe('Connect', () => {
    it('keeps objects of a connected account apart from the platform', async () => {
      const account = await stripe.accounts.create({ type: 'express', email: 'shop@example.com' });
      expect(account.id).to.match(/^acct_/);
      const connected = fake.client({ stripeAccount: account.id });
      const customer = await connected.customers.create({ email: 'inside@example.com' });
      expect((await connected.customers.list()).data.map((c) => c.id)).to.deep.equal([customer.id]);
      expect((await stripe.customers.list()).data).to.have.length(0);
      await expect(stripe.customers.retrieve(customer.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError);
      expect(fake.requests.at(-3)?.stripeAccount).to.equal(account.id);
    });

    it('answers GET /v1/account with the platform, or with the connected account named by Stripe-Account', async () => {
      const platform = await stripe.accounts.retrieveCurrent();
      const account = await stripe.accounts.create({ type: 'custom' });
      expect(platform.id).to.not.equal(account.id);
      expect((await fake.client({ stripeAccount: account.id }).accounts.retrieveCurrent()).id).to.equal(account.id);
    });

    it('lists, updates and deletes connected accounts', async () => {
      const account = await stripe.accounts.create({ type: 'express' });
      expect((await stripe.accounts.list()).data.map((a) => a.id)).to.deep.equal([account.id]);
      expect((await stripe.accounts.update(account.id, { metadata: { tier: 'gold' } })).metadata).to.deep.equal({ tier: 'gold' });
      expect(await stripe.accounts.del(account.id)).to.deep.equal({ id: account.id, object: 'account', deleted: true });
    });

    it('rejects an unknown Stripe-Account with a permission error', async () => {
      await expect(fake.client({ stripeAccount: 'acct_unknown' }).customers.list()).to.be.rejectedWith(Stripe.errors.StripePermissionError, 'does not have access');
    });

    it('records events of a connected account with its account id', async () => {
      fake.insert([], { stripeAccount: 'acct_test_shop' });
      await fake.client({ stripeAccount: 'acct_test_shop' }).customers.create({});
      const [event] = fake.events();
      expect(event).to.include({ type: 'customer.created', account: 'acct_test_shop' });
    });
  });

  describe('events', () => {
    it('records a created event with a snapshot, api version and unix-second created', async () => {
      const customer = await stripe.customers.create({ email: 'e@example.com' });
      const [event] = fake.events();
      expect(event?.id).to.match(/^evt_/);
      expect(event).to.include({ type: 'customer.created', object: 'event', api_version: Stripe.API_VERSION, livemode: false });
      expect(event?.created).to.be.closeTo(Date.now() / 1000, 5);
      expect(event?.data.object).to.deep.equal(customer);
      expect(event?.account).to.equal(undefined);
    });

    it('records previous_attributes on updates', async () => {
      const customer = await stripe.customers.create({ email: 'old@example.com', metadata: { a: '1' } });
      await stripe.customers.update(customer.id, { email: 'new@example.com', metadata: { b: '2' } });
      const updated = fake.events().find((event) => event.type === 'customer.updated');
      expect(updated?.data.previous_attributes).to.deep.equal({ email: 'old@example.com', metadata: { b: null } });
    });

    it('records no event for an update that changes nothing', async () => {
      const customer = await stripe.customers.create({ email: 'same@example.com' });
      await stripe.customers.update(customer.id, { email: 'same@example.com' });
      expect(fake.events().map((event) => event.type)).to.deep.equal(['customer.created']);
    });

    it('records the lifecycle events of refunds, subscription changes, invoice payment and deletions', async () => {
      const customer = await stripe.customers.create({ payment_method: 'pm_card_visa' });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 100, recurring: { interval: 'month' }, product_data: { name: 'P' } });
      const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      const [charge] = (await stripe.charges.list({ customer: customer.id })).data;
      await stripe.refunds.create({ charge: charge?.id ?? '' });
      await stripe.customers.del(customer.id);
      const types = fake.events().map((event) => event.type);
      expect(types).to.include.members([
        'payment_method.attached',
        'customer.subscription.created',
        'invoice.paid',
        'charge.succeeded',
        'customer.subscription.updated',
        'refund.created',
        'charge.refunded',
        'customer.subscription.deleted',
        'customer.deleted',
      ]);
    });

    it('serves events through GET /v1/events newest first, filtered by type with wildcards', async () => {
      const customer = await stripe.customers.create({});
      await stripe.customers.update(customer.id, { name: 'N' });
      await stripe.products.create({ name: 'P' });
      const all = await stripe.events.list();
      expect(all.data.map((event) => event.type)).to.deep.equal(['product.created', 'customer.updated', 'customer.created']);
      expect((await stripe.events.list({ type: 'customer.*' })).data).to.have.length(2);
      const first = all.data[2];
      expect((await stripe.events.retrieve(first?.id ?? '')).type).to.equal('customer.created');
    });
  });

  describe('insert, get and list', () => {
    it('inserts objects as given without events, then serves them through the API', async () => {
      fake.insert([{ id: 'cus_inserted', object: 'customer', created: 1_700_000_000, email: 'i@example.com', metadata: {} }]);
      expect(fake.events()).to.have.length(0);
      expect(await stripe.customers.retrieve('cus_inserted')).to.include({ email: 'i@example.com' });
      expect(fake.get('customer', 'cus_inserted')?.email).to.equal('i@example.com');
    });

    it('returns copies, so changing them does not change the fake', async () => {
      fake.insert([{ id: 'cus_copy', object: 'customer', created: 1, email: 'keep@example.com' }]);
      const copy = fake.get('customer', 'cus_copy');
      if (copy) copy.email = 'changed@example.com';
      expect(fake.get('customer', 'cus_copy')?.email).to.equal('keep@example.com');
    });

    it('serves inserted objects of resources it has no behaviour for, such as disputes', async () => {
      fake.insert([
        { id: 'dp_1', object: 'dispute', created: 100, amount: 500 },
        { id: 'dp_2', object: 'dispute', created: 200, amount: 700 },
      ]);
      expect((await stripe.disputes.list()).data.map((d) => d.id)).to.deep.equal(['dp_2', 'dp_1']);
      expect((await stripe.disputes.retrieve('dp_1')).amount).to.equal(500);
      expect((await stripe.payouts.list()).data).to.have.length(0);
    });

    it('accepts typed SDK objects, such as a customer fetched from another fake', async () => {
      const source = await startFakeStripe({ seed: 'none' });
      try {
        const customer: Stripe.Customer = await source.client().customers.create({ email: 'moved@example.com' });
        fake.insert([customer]);
        expect((await stripe.customers.retrieve(customer.id)).id).to.equal(customer.id);
      } finally {
        await source.stop();
      }
    });

    it('refuses objects without id or object', () => {
      expect(() => fake.insert([{ email: 'x' } as unknown as InsertableObject])).to.throw(TestingKitError, "'id' and 'object'");
    });
  });

  describe('the realistic seed', () => {
    it('holds products, prices, customers with cards, subscriptions, invoices, charges and refunds, without events', async () => {
      const seeded = await startFakeStripe();
      try {
        const client = seeded.client();
        const subscriptions = await client.subscriptions.list({ status: 'all', limit: 100 });
        expect(subscriptions.data.map((s) => s.status)).to.include.members(['active', 'trialing', 'canceled']);
        expect((await client.customers.list({ limit: 100 })).data).to.have.length(8);
        expect(seeded.list('refund').length).to.be.at.least(2);
        expect(seeded.list('invoice').every((invoice) => invoice.status === 'paid')).to.equal(true);
        expect(seeded.events()).to.have.length(0);
        const active = subscriptions.data.find((s) => s.status === 'active');
        expect(active?.items.data[0]?.current_period_end).to.be.above(Date.now() / 1000);
      } finally {
        await seeded.stop();
      }
    });

    it('is deterministic: two fakes hold the same ids and names', async () => {
      const [a, b] = await Promise.all([startFakeStripe(), startFakeStripe()]);
      try {
        const summary = (f: FakeStripe): string[] => f.list('customer').map((c) => `${c.id} ${String(c.name)}`);
        expect(summary(a)).to.deep.equal(summary(b));
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it('includes a Connect account with its own customer', async () => {
      const seeded = await startFakeStripe();
      try {
        const [account] = (await seeded.client().accounts.list()).data;
        const customers = await seeded.client({ stripeAccount: account?.id ?? '' }).customers.list();
        expect(customers.data).to.have.length(1);
      } finally {
        await seeded.stop();
      }
    });
  });
});

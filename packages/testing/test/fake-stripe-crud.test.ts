import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import samples from '../src/fake-stripe/fixtures/stripe-openapi-samples.json' with { type: 'json' };
import { expect } from './support/chai.js';

describe('startFakeStripe() CRUD through the real SDK', () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  before(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
  });
  after(() => fake.stop());

  describe('customers', () => {
    it('creates a customer with a cus_ id, unix-second created, livemode false and every current field', async () => {
      const customer = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { plan: 'pro' } });
      expect(customer.id).to.match(/^cus_[0-9A-Za-z]{14}$/);
      expect(customer.created).to.be.closeTo(Date.now() / 1000, 5);
      expect(customer).to.include({ object: 'customer', email: 'ada@example.com', name: 'Ada', livemode: false, discount: null });
      expect(customer.metadata).to.deep.equal({ plan: 'pro' });
      expect(Object.keys(customer)).to.include.members(Object.keys(samples.customer));
    });

    it('retrieves what it created', async () => {
      const created = await stripe.customers.create({ email: 'grace@example.com' });
      expect(await stripe.customers.retrieve(created.id)).to.deep.equal(created);
    });

    it('updates fields, merges metadata and unsets a metadata key with an empty string', async () => {
      const created = await stripe.customers.create({ metadata: { a: '1', b: '2' } });
      const updated = await stripe.customers.update(created.id, { email: 'new@example.com', metadata: { a: '', c: '3' }, address: { city: 'Paris' } });
      expect(updated.email).to.equal('new@example.com');
      expect(updated.metadata).to.deep.equal({ b: '2', c: '3' });
      expect(updated.address).to.include({ city: 'Paris', line1: null });
    });

    it('deletes a customer and then retrieves the deleted stub, as Stripe does', async () => {
      const created = await stripe.customers.create({});
      expect(await stripe.customers.del(created.id)).to.deep.equal({ id: created.id, object: 'customer', deleted: true });
      expect(await stripe.customers.retrieve(created.id)).to.deep.include({ id: created.id, deleted: true });
    });

    it('lists customers filtered by email', async () => {
      await stripe.customers.create({ email: 'findme@example.com' });
      const list = await stripe.customers.list({ email: 'findme@example.com' });
      expect(list.data.map((c) => c.email)).to.deep.equal(['findme@example.com']);
    });
  });

  describe('products, prices and plans', () => {
    it('creates, updates and deletes a product', async () => {
      const product = await stripe.products.create({ name: 'T-shirt', description: 'Cotton' });
      expect(product.id).to.match(/^prod_/);
      const updated = await stripe.products.update(product.id, { name: 'Shirt', active: false });
      expect(updated).to.include({ name: 'Shirt', active: false });
      expect(await stripe.products.del(product.id)).to.deep.equal({ id: product.id, object: 'product', deleted: true });
      await expect(stripe.products.retrieve(product.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'No such product');
    });

    it('refuses to delete a product that has prices', async () => {
      const product = await stripe.products.create({ name: 'Kept' });
      await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
      await expect(stripe.products.del(product.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'prices');
    });

    it('creates a recurring price with integer amounts and the recurring hash', async () => {
      const product = await stripe.products.create({ name: 'Pro' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2900, recurring: { interval: 'month' } });
      expect(price).to.include({ unit_amount: 2900, type: 'recurring', product: product.id });
      expect(Object.keys(price)).to.include.members(Object.keys(samples.price));
      expect(price.recurring).to.include({ interval: 'month', interval_count: 1, usage_type: 'licensed' });
    });

    it('creates a price with product_data and a default price through default_price_data', async () => {
      const price = await stripe.prices.create({ currency: 'eur', unit_amount: 500, product_data: { name: 'Inline' } });
      expect((await stripe.products.retrieve(String(price.product))).name).to.equal('Inline');
      const product = await stripe.products.create({ name: 'With default', default_price_data: { currency: 'usd', unit_amount: 700 } });
      expect((await stripe.prices.retrieve(String(product.default_price))).unit_amount).to.equal(700);
    });

    it('updates a price and filters the price list by product', async () => {
      const product = await stripe.products.create({ name: 'Filter' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
      expect((await stripe.prices.update(price.id, { nickname: 'basic' })).nickname).to.equal('basic');
      expect((await stripe.prices.list({ product: product.id })).data.map((p) => p.id)).to.deep.equal([price.id]);
    });

    it('creates a plan that is also retrievable as a price with the same id', async () => {
      const plan = await stripe.plans.create({ amount: 1500, currency: 'usd', interval: 'year', product: { name: 'Legacy' } });
      expect(plan).to.include({ object: 'plan', amount: 1500, interval: 'year' });
      expect((await stripe.prices.retrieve(plan.id)).unit_amount).to.equal(1500);
      expect(await stripe.plans.del(plan.id)).to.include({ deleted: true });
    });
  });

  describe('coupons and tax rates', () => {
    it('creates a coupon with a custom id, updates and deletes it', async () => {
      const coupon = await stripe.coupons.create({ id: 'SPRING25', percent_off: 25, duration: 'repeating', duration_in_months: 3 });
      expect(coupon).to.include({ id: 'SPRING25', percent_off: 25, duration: 'repeating', duration_in_months: 3, valid: true });
      expect((await stripe.coupons.update('SPRING25', { name: 'Spring' })).name).to.equal('Spring');
      expect(await stripe.coupons.del('SPRING25')).to.deep.equal({ id: 'SPRING25', object: 'coupon', deleted: true });
    });

    it('creates and updates a tax rate', async () => {
      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 19, inclusive: false, country: 'DE' });
      expect(rate.id).to.match(/^txr_/);
      expect(rate).to.include({ percentage: 19, inclusive: false, active: true });
      expect((await stripe.taxRates.update(rate.id, { active: false })).active).to.equal(false);
    });
  });

  describe('expansion', () => {
    it('expands customer on a retrieved object and data.customer on a list', async () => {
      const customer = await stripe.customers.create({ email: 'expand@example.com' });
      const intent = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: customer.id });
      const one = await stripe.paymentIntents.retrieve(intent.id, { expand: ['customer'] });
      expect(one.customer).to.deep.include({ id: customer.id, email: 'expand@example.com' });
      const list = await stripe.paymentIntents.list({ customer: customer.id, expand: ['data.customer'] });
      expect(list.data[0]?.customer).to.deep.include({ id: customer.id });
    });
  });
});

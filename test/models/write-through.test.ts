import { expect } from '../support/chai.js';
import {
  Customer,
  defaultMirror,
  MissingPathParameterError,
  StripeApiError,
  UnsupportedStripeOperationError,
} from '../../src/models/index.js';
import { useFakeStripe } from './support/fake-stripe.js';

describe('write-through API (real stripe SDK against the fake Stripe API)', () => {
  const fake = useFakeStripe();

  describe('Model.retrieveFromStripe()', () => {
    it('fetches the object, stores it with source api and the fetch time as watermark', async () => {
      const created = await fake().client().customers.create({ email: 'ada@example.com' });
      const before = Math.floor(Date.now() / 1000);
      const customer = await Customer.retrieveFromStripe(created.id);
      expect(customer.email).to.equal('ada@example.com');
      const stored = await Customer.findById(created.id).lean();
      expect(stored!._mirror).to.include({ source: 'api' });
      expect(stored!._mirror!.watermark).to.be.within(before, Math.floor(Date.now() / 1000));
    });

    it('acts as a Connect account when asked and records the account on the document', async () => {
      fake().insert([], { stripeAccount: 'acct_connected1' });
      const created = await fake().client({ stripeAccount: 'acct_connected1' }).customers.create({ name: 'Connected' });
      const customer = await Customer.retrieveFromStripe(created.id, { stripeAccount: 'acct_connected1' });
      expect(customer.stripeAccount).to.equal('acct_connected1');
      expect(fake().requests.at(-1)).to.include({ stripeAccount: 'acct_connected1' });
    });

    it("surfaces Stripe's error as a StripeApiError with stripe-node's field names, Stripe's code under raw.code", async () => {
      const error = await expect(Customer.retrieveFromStripe('cus_missing')).to.be.rejectedWith(StripeApiError);
      expect(error).to.include({
        code: 'stripe_api_error',
        type: 'StripeInvalidRequestError',
        rawType: 'invalid_request_error',
        statusCode: 404,
        param: 'id',
      });
      expect(error.raw).to.include({ code: 'resource_missing', type: 'invalid_request_error', param: 'id', statusCode: 404 });
      expect(error.requestId).to.be.a('string').and.match(/^req_/).and.equal(error.raw.requestId);
      expect(error.raw).to.not.have.property('headers');
      expect(JSON.stringify(error)).to.not.include(fake().apiKey);
      expect(error.message).to.not.include(fake().apiKey);
    });

    it('says which parent id a nested resource needs', async () => {
      await expect(defaultMirror().Person.retrieveFromStripe('person_1')).to.be.rejectedWith(MissingPathParameterError, "'account'");
    });

    it('refuses operations Stripe has no endpoint for', async () => {
      await expect(defaultMirror().Discount.listFromStripe()).to.be.rejectedWith(UnsupportedStripeOperationError);
    });
  });

  describe('Model.listFromStripe()', () => {
    it('pages through every page with starting_after, upserting each page', async () => {
      const stripe = fake().client();
      for (let i = 0; i < 7; i += 1) await stripe.customers.create({ email: `c${i}@example.com` });
      const requestsBefore = fake().requests.length;

      const result = await Customer.listFromStripe({ limit: 3 });

      expect(result).to.deep.equal({ synced: 7, pages: 3 });
      expect(await Customer.countDocuments()).to.equal(7);
      const listCalls = fake().requests.slice(requestsBefore);
      expect(listCalls.map((request) => request.query.includes('starting_after'))).to.deep.equal([false, true, true]);
    });

    it('passes list filters through to Stripe', async () => {
      const stripe = fake().client();
      const [wanted, other] = [await stripe.products.create({ name: 'Wanted' }), await stripe.products.create({ name: 'Other' })];
      const price = await stripe.prices.create({ product: wanted.id, currency: 'usd', unit_amount: 100 });
      await stripe.prices.create({ product: other.id, currency: 'usd', unit_amount: 200 });
      const result = await defaultMirror().Price.listFromStripe({ product: wanted.id });
      expect(result.synced).to.equal(1);
      expect(await defaultMirror().Price.find().distinct('_id')).to.deep.equal([price.id]);
    });
  });

  describe('document methods', () => {
    it('updateInStripe() changes the object in Stripe and stores Stripe\'s answer', async () => {
      const created = await fake().client().customers.create({ name: 'Before' });
      const customer = await Customer.retrieveFromStripe(created.id);
      const updated = await customer.updateInStripe({ name: 'After', metadata: { 'plan.tier': 'gold' } });
      expect(updated.name).to.equal('After');
      expect(fake().get('customer', created.id)!.name).to.equal('After');
      expect((await Customer.findById(created.id).lean())!.metadata).to.deep.equal({ 'plan.tier': 'gold' });
    });

    it('deleteInStripe() deletes in Stripe and keeps a tombstone with the last known fields', async () => {
      const created = await fake().client().customers.create({ name: 'Doomed' });
      const customer = await Customer.retrieveFromStripe(created.id);
      const tombstone = await customer.deleteInStripe();
      expect(tombstone).to.include({ deleted: true, name: 'Doomed' });
      expect(await Customer.exists({ _id: created.id, deleted: true })).to.not.equal(null);
    });

    it('refreshFromStripe() stores what Stripe has now', async () => {
      const stripe = fake().client();
      const created = await stripe.customers.create({ name: 'Old name' });
      const customer = await Customer.retrieveFromStripe(created.id);
      await stripe.customers.update(created.id, { name: 'New name' });
      const refreshed = await customer.refreshFromStripe();
      expect(refreshed.name).to.equal('New name');
      expect((await Customer.findById(created.id))!.name).to.equal('New name');
    });
  });
});

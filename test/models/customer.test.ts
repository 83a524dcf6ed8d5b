import { expect } from '../support/chai.js';
import { Charge, Customer, CUSTOMER_LINKS_COLLECTION, StripeObject, USER_ID_METADATA_KEY } from '../../src/models/index.js';
import { useFakeStripe } from './support/fake-stripe.js';

const activeItems = { object: 'list', data: [{ id: 'si_a', object: 'subscription_item', price: { id: 'price_pro', object: 'price', product: 'prod_pro' } }] };

describe('Customer', () => {
  describe('relations', () => {
    beforeEach(async () => {
      await StripeObject.syncManyFromStripeData([
        { id: 'cus_rel', object: 'customer', email: 'rel@example.com' },
        { id: 'sub_rel', object: 'subscription', customer: 'cus_rel', status: 'active' },
        { id: 'ch_rel', object: 'charge', customer: { id: 'cus_rel', object: 'customer', email: 'rel@example.com' }, amount: 100 },
        { id: 'in_rel', object: 'invoice', customer: 'cus_rel' },
        { id: 'pm_rel', object: 'payment_method', customer: 'cus_rel', type: 'card' },
        { id: 'sub_other', object: 'subscription', customer: 'cus_other', status: 'active' },
      ]);
    });

    it('populates subscriptions, charges, invoices and paymentMethods', async () => {
      const customer = await Customer.findById('cus_rel').populate(['subscriptions', 'charges', 'invoices', 'paymentMethods']);
      expect(customer!.subscriptions!.map((s) => s.id)).to.deep.equal(['sub_rel']);
      expect(customer!.charges!.map((c) => c.id)).to.deep.equal(['ch_rel']);
      expect(customer!.invoices!.map((i) => i.id)).to.deep.equal(['in_rel']);
      expect(customer!.paymentMethods!.map((p) => p.id)).to.deep.equal(['pm_rel']);
    });

    it('stores the relation fields as id strings, even when they arrived expanded', async () => {
      expect((await Charge.findById('ch_rel').lean())!.customer).to.equal('cus_rel');
    });
  });

  describe('hasActiveSubscription()', () => {
    beforeEach(async () => {
      await Customer.syncFromStripeData({ id: 'cus_has', object: 'customer' });
    });

    it('is false without subscriptions or with only canceled ones', async () => {
      const customer = (await Customer.findById('cus_has'))!;
      expect(await customer.hasActiveSubscription()).to.equal(false);
      await StripeObject.syncFromStripeData({ id: 'sub_c', object: 'subscription', customer: 'cus_has', status: 'canceled' });
      expect(await customer.hasActiveSubscription()).to.equal(false);
    });

    it('is true with an active or trialing subscription', async () => {
      await StripeObject.syncFromStripeData({ id: 'sub_t', object: 'subscription', customer: 'cus_has', status: 'trialing' });
      expect(await (await Customer.findById('cus_has'))!.hasActiveSubscription()).to.equal(true);
    });

    it('matches a price or product id on current items', async () => {
      await StripeObject.syncFromStripeData({ id: 'sub_p', object: 'subscription', customer: 'cus_has', status: 'active', items: activeItems });
      const customer = (await Customer.findById('cus_has'))!;
      expect(await customer.hasActiveSubscription('price_pro')).to.equal(true);
      expect(await customer.hasActiveSubscription('prod_pro')).to.equal(true);
      expect(await customer.hasActiveSubscription('price_other')).to.equal(false);
    });

    it('matches the old top-level plan', async () => {
      await StripeObject.syncFromStripeData({ id: 'sub_old', object: 'subscription', customer: 'cus_has', status: 'active', plan: { id: 'gold', object: 'plan', product: 'prod_gold' } });
      expect(await (await Customer.findById('cus_has'))!.hasActiveSubscription('gold')).to.equal(true);
    });
  });

  describe('Customer.getOrCreateForUser()', () => {
    const fake = useFakeStripe();

    it('creates the customer through the API with the user id in metadata', async () => {
      const customer = await Customer.getOrCreateForUser('user_1', { email: 'user1@example.com' });
      expect(customer.email).to.equal('user1@example.com');
      expect(fake().get('customer', customer.id)!.metadata).to.deep.equal({ [USER_ID_METADATA_KEY]: 'user_1' });
      expect(await Customer.exists({ _id: customer.id })).to.not.equal(null);
    });

    it('returns the linked customer on later calls without creating another', async () => {
      const first = await Customer.getOrCreateForUser('user_2', { email: 'user2@example.com' });
      const second = await Customer.getOrCreateForUser('user_2', { email: 'user2@example.com' });
      expect(second.id).to.equal(first.id);
      expect(fake().list('customer')).to.have.length(1);
    });

    it('converges concurrent calls for one user on one customer and deletes the extras in Stripe', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => Customer.getOrCreateForUser('user_3', { email: 'user3@example.com' })));
      expect(new Set(results.map((c) => c.id)).size).to.equal(1);
      const live = fake().list('customer').filter((c) => c.deleted !== true);
      expect(live.map((c) => c.id)).to.deep.equal([results[0]!.id]);
      expect(await StripeObject.db.collection(CUSTOMER_LINKS_COLLECTION).countDocuments()).to.equal(1);
    });

    it('adopts a mirrored customer that already carries the user id', async () => {
      const existing = await fake().client().customers.create({ metadata: { [USER_ID_METADATA_KEY]: 'user_4' } });
      await Customer.retrieveFromStripe(existing.id);
      const customer = await Customer.getOrCreateForUser('user_4');
      expect(customer.id).to.equal(existing.id);
      expect(fake().list('customer')).to.have.length(1);
    });

    it('creates a new customer when the linked one was deleted', async () => {
      const first = await Customer.getOrCreateForUser('user_5');
      await first.deleteInStripe();
      const second = await Customer.getOrCreateForUser('user_5');
      expect(second.id).to.not.equal(first.id);
    });
  });
});

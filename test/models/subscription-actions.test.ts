import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import {
  Charge,
  Customer,
  Invoice,
  NoDefaultPaymentMethodError,
  PaymentIntent,
  StripeApiError,
  StripeObject,
  Subscription,
  SubscriptionItemAmbiguousError,
  type SubscriptionDocument,
} from '../../src/models/index.js';
import { useFakeStripe } from './support/fake-stripe.js';

describe('subscription and customer actions (real stripe SDK against the fake Stripe API)', () => {
  const fake = useFakeStripe();

  async function monthlyPrice(unitAmount = 1000): Promise<Stripe.Price> {
    const stripe = fake().client();
    const product = await stripe.products.create({ name: `Plan ${unitAmount}` });
    return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: unitAmount, recurring: { interval: 'month' } });
  }

  /** A customer whose default payment method is an attached card, or a customer without any when `card` is false. */
  async function customer(card = true): Promise<Stripe.Customer> {
    const stripe = fake().client();
    if (!card) return stripe.customers.create({ email: 'nocard@example.com' });
    const paymentMethod = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    return stripe.customers.create({ email: 'card@example.com', payment_method: paymentMethod.id, invoice_settings: { default_payment_method: paymentMethod.id } });
  }

  async function mirroredSubscription(params: Omit<Stripe.SubscriptionCreateParams, 'customer'>, card = true): Promise<SubscriptionDocument> {
    const created = await fake().client().subscriptions.create({ customer: (await customer(card)).id, ...params });
    return Subscription.retrieveFromStripe(created.id);
  }

  /** The subscription as the fake holds it. */
  function inFake(id: string) {
    const subscription = fake().get('subscription', id);
    if (!subscription) throw new Error(`the fake has no subscription ${id}`);
    return subscription;
  }

  function eventTypesFor(id: string): string[] {
    return fake()
      .events()
      .filter((event) => (event.data.object as { id?: string }).id === id)
      .map((event) => event.type);
  }

  describe('Subscription#reactivate()', () => {
    it('takes back a cancellation scheduled for the period end, in Stripe and in the mirror', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice()).id }] });
      await subscription.cancel({ atPeriodEnd: true });
      expect((await Subscription.findById(subscription.id))!.cancel_at_period_end).to.equal(true);

      const reactivated = await subscription.reactivate();

      expect(reactivated).to.include({ cancel_at_period_end: false, cancel_at: null, status: 'active' });
      expect(inFake(subscription.id)).to.include({ cancel_at_period_end: false, cancel_at: null });
      expect((await Subscription.findById(subscription.id).lean())!).to.include({ cancel_at_period_end: false, cancel_at: null });
      expect(eventTypesFor(subscription.id).filter((type) => type === 'customer.subscription.updated')).to.have.length(2);
    });

    it('is refused by Stripe for a subscription already canceled, leaving the mirror as it was', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice()).id }] });
      const canceled = await subscription.cancel();
      await expect(canceled.reactivate()).to.be.rejectedWith(StripeApiError, /canceled subscription/);
      expect((await Subscription.findById(subscription.id))!.status).to.equal('canceled');
    });
  });

  describe('Subscription#pause() and #resume()', () => {
    it('pause() pauses payment collection; the subscription stays active; resume() clears it', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice()).id }] });
      const resumesAt = Math.floor(Date.now() / 1000) + 30 * 86_400;

      const paused = await subscription.pause({ behavior: 'void', resumesAt });

      expect(paused.pause_collection).to.deep.equal({ behavior: 'void', resumes_at: resumesAt });
      expect(paused.status).to.equal('active');
      expect(inFake(subscription.id).pause_collection).to.deep.equal({ behavior: 'void', resumes_at: resumesAt });
      expect((await Subscription.findById(subscription.id).lean())!.pause_collection).to.deep.equal({ behavior: 'void', resumes_at: resumesAt });

      const resumed = await paused.resume();

      expect(resumed.pause_collection).to.equal(null);
      expect(inFake(subscription.id).pause_collection).to.equal(null);
      expect((await Subscription.findById(subscription.id).lean())!.pause_collection).to.equal(null);
    });

    it('resume() of a subscription in status paused calls /resume: a new period, its invoice paid, status active', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice()).id }] });
      await fake().client().subscriptions.pause(subscription.id);
      const paused = await subscription.refreshFromStripe();
      expect(paused.status).to.equal('paused');

      const resumed = await paused.resume();

      expect(resumed.status).to.equal('active');
      const latestInvoice = inFake(subscription.id).latest_invoice;
      expect(latestInvoice).to.be.a('string').and.not.equal(subscription.latest_invoice);
      expect(fake().get('invoice', String(latestInvoice))).to.include({ status: 'paid', amount_paid: 1000 });
      expect((await Subscription.findById(subscription.id).lean())!).to.include({ status: 'active', latest_invoice: latestInvoice });
      expect(eventTypesFor(subscription.id)).to.include.members(['customer.subscription.paused', 'customer.subscription.resumed']);
    });

    it('resume() of a subscription that is not paused comes back as Stripe refusing it', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice()).id }] });
      const refusal: unknown = await expect(subscription.resume()).to.be.rejectedWith(StripeApiError, /Only a paused subscription/);
      expect(refusal).to.have.nested.property('raw.code', 'subscription_not_paused');
      expect(inFake(subscription.id).status).to.equal('active');
    });
  });

  describe('Subscription#endTrial()', () => {
    it('ends the trial now: status active, the first period invoiced and paid, in Stripe and in the mirror', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice(1500)).id }], trial_period_days: 14 });
      expect(subscription.status).to.equal('trialing');
      const before = Math.floor(Date.now() / 1000);

      const ended = await subscription.endTrial();

      expect(ended.status).to.equal('active');
      expect(ended.trial_end).to.be.within(before, before + 5);
      const invoice = fake().get('invoice', String(inFake(subscription.id).latest_invoice));
      expect(invoice).to.include({ status: 'paid', amount_paid: 1500 });
      expect((await Subscription.findById(subscription.id).lean())!).to.include({ status: 'active', trial_end: ended.trial_end });
      expect(ended.currentPeriodEnd()).to.be.greaterThan(before + 27 * 86_400);
    });

    it('pauses a trial without a payment method whose end behavior says pause', async () => {
      const subscription = await mirroredSubscription(
        { items: [{ price: (await monthlyPrice()).id }], trial_period_days: 7, trial_settings: { end_behavior: { missing_payment_method: 'pause' } } },
        false,
      );

      const ended = await subscription.endTrial();

      expect(ended.status).to.equal('paused');
      expect(inFake(subscription.id).status).to.equal('paused');
      expect(eventTypesFor(subscription.id)).to.include('customer.subscription.paused');
    });
  });

  describe('Subscription#swap()', () => {
    it("replaces the single item's price, keeping the item, in Stripe and in the mirror", async () => {
      const [basic, pro] = [await monthlyPrice(1000), await monthlyPrice(3000)];
      const subscription = await mirroredSubscription({ items: [{ price: basic.id }] });
      const itemId = subscription.items.data[0]!.id;

      const swapped = await subscription.swap(pro.id, { prorationBehavior: 'none' });

      expect(swapped.items.data.map((item) => [item.id, item.price.id])).to.deep.equal([[itemId, pro.id]]);
      expect(fake().get('subscription_item', itemId)).to.have.nested.property('price.id', pro.id);
      const stored = (await Subscription.findById(subscription.id).lean())!;
      expect(stored.items.data.map((item) => item.price.id)).to.deep.equal([pro.id]);
      expect(await Subscription.exists({ _id: subscription.id, 'items.data.price.id': basic.id })).to.equal(null);
      const owner = await Customer.retrieveFromStripe(subscription.customer);
      expect([await owner.hasActiveSubscription(pro.id), await owner.hasActiveSubscription(basic.id)]).to.deep.equal([true, false]);
    });

    it('refuses a subscription with several items unless an item is named, and sends nothing to Stripe', async () => {
      const [seats, storage, pro] = [await monthlyPrice(500), await monthlyPrice(200), await monthlyPrice(3000)];
      const subscription = await mirroredSubscription({ items: [{ price: seats.id }, { price: storage.id }] });
      const itemIds = subscription.items.data.map((item) => item.id);
      const updatesBefore = eventTypesFor(subscription.id).length;

      await expect(subscription.swap(pro.id)).to.be.rejectedWith(SubscriptionItemAmbiguousError, /needs \{ itemId \}/);
      expect(eventTypesFor(subscription.id)).to.have.length(updatesBefore);

      const swapped = await subscription.swap(pro.id, { itemId: itemIds[1]! });
      expect(swapped.items.data.map((item) => item.price.id)).to.deep.equal([seats.id, pro.id]);
      expect(fake().get('subscription_item', itemIds[1]!)).to.have.nested.property('price.id', pro.id);
    });

    it('names the subscription and its items on the error', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice(1)).id }, { price: (await monthlyPrice(2)).id }] });
      const itemIds = subscription.items.data.map((item) => item.id);
      const error: unknown = await expect(subscription.swap('price_x')).to.be.rejectedWith(SubscriptionItemAmbiguousError);
      expect(error).to.deep.include({ code: 'subscription_item_ambiguous', subscription: subscription.id, itemIds });
    });
  });

  describe('Subscription#previewUpcomingInvoice()', () => {
    it("answers the next period's invoice without storing it, in the fake or in the mirror", async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice(2500)).id }] });
      const invoicesBefore = fake().list('invoice').length;
      const eventsBefore = fake().events().length;

      const preview = await subscription.previewUpcomingInvoice();

      expect(preview).to.include({ object: 'invoice', amount_due: 2500, billing_reason: 'upcoming', customer: subscription.customer });
      expect(preview.id).to.match(/^upcoming_in_/);
      expect(preview.period_start).to.equal(subscription.currentPeriodEnd());
      expect(preview.lines.data.map((line) => line.amount)).to.deep.equal([2500]);
      expect(fake().list('invoice')).to.have.length(invoicesBefore);
      expect(fake().events()).to.have.length(eventsBefore);
      expect(await StripeObject.exists({ _id: preview.id })).to.equal(null);
      expect(await Invoice.countDocuments()).to.equal(0);
    });

    it('previews a swap through subscription_details', async () => {
      const subscription = await mirroredSubscription({ items: [{ price: (await monthlyPrice(1000)).id }] });
      const pro = await monthlyPrice(4000);
      const preview = await subscription.previewUpcomingInvoice({ subscription_details: { items: [{ id: subscription.items.data[0]!.id, price: pro.id }] } });
      expect(preview.amount_due).to.equal(4000);
      expect(inFake(subscription.id)).to.have.nested.property('items.data[0].price.id').that.not.equals(pro.id);
    });
  });

  describe('Customer#subscribe()', () => {
    it('creates a subscription for the customer and mirrors it with its first invoice', async () => {
      const price = await monthlyPrice(1200);
      const buyer = await Customer.retrieveFromStripe((await customer()).id);

      const subscription = await buyer.subscribe(price.id, { quantity: 2, params: { metadata: { plan: 'team' } } });

      expect(subscription).to.include({ object: 'subscription', customer: buyer.id, status: 'active' });
      expect(inFake(subscription.id)).to.deep.include({ customer: buyer.id, metadata: { plan: 'team' } });
      expect(fake().get('subscription_item', subscription.items.data[0]!.id)).to.include({ quantity: 2 });
      expect(typeof subscription.latest_invoice).to.equal('string');
      expect((await Invoice.findById(subscription.latest_invoice).lean())!).to.include({ status: 'paid', amount_paid: 2400 });
      expect(await buyer.hasActiveSubscription(price.id)).to.equal(true);
    });

    it('starts a trial with trialPeriodDays', async () => {
      const buyer = await Customer.retrieveFromStripe((await customer(false)).id);
      const subscription = await buyer.subscribe((await monthlyPrice()).id, { trialPeriodDays: 14 });
      expect(subscription.status).to.equal('trialing');
      expect(inFake(subscription.id).status).to.equal('trialing');
      expect((await Subscription.findById(subscription.id).lean())!.status).to.equal('trialing');
    });
  });

  describe('Customer#charge()', () => {
    it("confirms a PaymentIntent with the customer's default payment method and mirrors it and its charge", async () => {
      const created = await customer();
      const buyer = await Customer.retrieveFromStripe(created.id);

      const intent = await buyer.charge(2500, 'eur', { description: 'Extra seats', params: { metadata: { order: '42' } } });

      const defaultMethod = created.invoice_settings.default_payment_method;
      expect(intent).to.include({ object: 'payment_intent', status: 'succeeded', amount: 2500, currency: 'eur', customer: created.id, payment_method: defaultMethod });
      expect(fake().get('payment_intent', intent.id)).to.deep.include({ status: 'succeeded', metadata: { order: '42' }, description: 'Extra seats' });
      const chargeId = String(intent.latest_charge);
      expect(fake().get('charge', chargeId)).to.include({ amount: 2500, customer: created.id, payment_method: defaultMethod });
      expect((await PaymentIntent.findById(intent.id).lean())!).to.include({ status: 'succeeded', latest_charge: chargeId });
      expect((await Charge.findById(chargeId).lean())!).to.include({ amount: 2500, payment_intent: intent.id, paid: true });
    });

    it('reads the default from Stripe when the mirrored customer is older than it', async () => {
      const created = await customer(false);
      const buyer = await Customer.retrieveFromStripe(created.id);
      const paymentMethod = await fake().client().paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      await fake().client().paymentMethods.attach(paymentMethod.id, { customer: created.id });
      await fake().client().customers.update(created.id, { invoice_settings: { default_payment_method: paymentMethod.id } });

      const intent = await buyer.charge(700, 'usd');

      expect(intent.payment_method).to.equal(paymentMethod.id);
      expect((await Customer.findById(created.id).lean())!.invoice_settings.default_payment_method).to.equal(paymentMethod.id);
    });

    it('refuses a customer without a default payment method before creating anything', async () => {
      const buyer = await Customer.retrieveFromStripe((await customer(false)).id);
      await expect(buyer.charge(1000, 'usd')).to.be.rejectedWith(NoDefaultPaymentMethodError, /has no default payment method/);
      expect(fake().list('payment_intent')).to.have.length(0);
      expect(await PaymentIntent.countDocuments()).to.equal(0);
    });
  });
});

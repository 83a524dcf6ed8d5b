import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe payments: charges, refunds, payment methods, intents, checkout', () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  let customer: Stripe.Customer;

  before(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
  });
  beforeEach(async () => {
    customer = await stripe.customers.create({ email: 'buyer@example.com' });
  });
  after(() => fake.stop());

  describe('charges and refunds', () => {
    it('creates a succeeded charge with card details from the test token', async () => {
      const charge = await stripe.charges.create({ amount: 2000, currency: 'usd', source: 'tok_mastercard', description: 'Order 1' });
      expect(charge.id).to.match(/^ch_/);
      expect(charge).to.include({ status: 'succeeded', paid: true, captured: true, amount_captured: 2000, amount_refunded: 0, refunded: false });
      expect(charge.payment_method_details?.card).to.include({ brand: 'mastercard', last4: '4444' });
    });

    it('refunds part of a charge and updates amount_refunded and the embedded refunds list', async () => {
      const charge = await stripe.charges.create({ amount: 5000, currency: 'usd', source: 'tok_visa' });
      const refund = await stripe.refunds.create({ charge: charge.id, amount: 1500 });
      expect(refund.id).to.match(/^re_/);
      expect(refund).to.include({ amount: 1500, charge: charge.id, status: 'succeeded' });
      const updated = await stripe.charges.retrieve(charge.id);
      expect(updated).to.include({ amount_refunded: 1500, refunded: false });
      expect(updated.refunds?.data.map((r) => r.id)).to.deep.equal([refund.id]);
    });

    it('refunds the rest by default and then marks the charge refunded', async () => {
      const charge = await stripe.charges.create({ amount: 5000, currency: 'usd', source: 'tok_visa' });
      await stripe.refunds.create({ charge: charge.id, amount: 1000 });
      const rest = await stripe.refunds.create({ charge: charge.id });
      expect(rest.amount).to.equal(4000);
      expect(await stripe.charges.retrieve(charge.id)).to.include({ amount_refunded: 5000, refunded: true });
      await expect(stripe.refunds.create({ charge: charge.id })).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'already been refunded');
    });

    it('refuses a refund larger than what is left', async () => {
      const charge = await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' });
      await expect(stripe.refunds.create({ charge: charge.id, amount: 1001 })).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'greater than unrefunded');
    });

    it('captures an uncaptured charge', async () => {
      const charge = await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa', capture: false });
      expect(charge.captured).to.equal(false);
      expect((await stripe.charges.capture(charge.id)).captured).to.equal(true);
    });
  });

  describe('payment methods', () => {
    it('attaches a created card to a customer and lists it for the customer', async () => {
      const method = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 4, exp_year: 2031, cvc: '123' } });
      expect(method.customer).to.equal(null);
      const attached = await stripe.paymentMethods.attach(method.id, { customer: customer.id });
      expect(attached.customer).to.equal(customer.id);
      expect(attached.card).to.include({ brand: 'visa', last4: '4242', exp_month: 4, exp_year: 2031 });
      const listed = await stripe.customers.listPaymentMethods(customer.id);
      expect(listed.data.map((m) => m.id)).to.deep.equal([method.id]);
    });

    it('detaches a payment method', async () => {
      const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      expect((await stripe.paymentMethods.detach(method.id)).customer).to.equal(null);
      await expect(stripe.paymentMethods.detach(method.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'not attached');
    });

    it('attaches the payment_method given when creating a customer', async () => {
      const created = await stripe.customers.create({ payment_method: 'pm_card_amex' });
      const methods = await stripe.paymentMethods.list({ customer: created.id });
      expect(methods.data[0]?.card?.brand).to.equal('amex');
    });
  });

  describe('payment and setup intents', () => {
    it('confirms a payment intent into a succeeded charge', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa' });
      expect(intent.status).to.equal('requires_confirmation');
      expect(intent.client_secret).to.match(new RegExp(`^${intent.id}_secret_`));
      const confirmed = await stripe.paymentIntents.confirm(intent.id);
      expect(confirmed.status).to.equal('succeeded');
      const charge = await stripe.charges.retrieve(String(confirmed.latest_charge));
      expect(charge).to.include({ amount: 1234, payment_intent: intent.id });
    });

    it('refunds a payment intent through its latest charge', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      const refund = await stripe.refunds.create({ payment_intent: intent.id });
      expect(refund).to.include({ amount: 800, payment_intent: intent.id });
    });

    it('cancels a payment intent', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
      expect(await stripe.paymentIntents.cancel(intent.id)).to.include({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    });

    it('succeeds a setup intent and attaches its payment method to the customer', async () => {
      const intent = await stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
      expect(intent.status).to.equal('succeeded');
      expect((await stripe.paymentMethods.retrieve(String(intent.payment_method))).customer).to.equal(customer.id);
    });
  });

  describe('checkout sessions', () => {
    it('creates, retrieves, lists and expires a session', async () => {
      const session = await stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, success_url: 'https://example.com/ok' });
      expect(session.id).to.match(/^cs_test_/);
      expect(session).to.include({ status: 'open', success_url: 'https://example.com/ok' });
      expect((await stripe.checkout.sessions.retrieve(session.id)).id).to.equal(session.id);
      expect((await stripe.checkout.sessions.list({ customer: customer.id })).data).to.have.length(1);
      expect((await stripe.checkout.sessions.expire(session.id)).status).to.equal('expired');
    });
  });
});

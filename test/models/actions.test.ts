import { expect } from '../support/chai.js';
import { Account, Charge, Invoice, PaymentMethod, Refund, StripeObject } from '../../src/models/index.js';
import { useFakeStripe } from './support/fake-stripe.js';

describe('hand-written actions (real stripe SDK against the fake Stripe API)', () => {
  const fake = useFakeStripe();

  async function customerWithCard() {
    const stripe = fake().client();
    return stripe.customers.create({ email: 'buyer@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
  }

  describe('Charge#refund()', () => {
    it('refunds part of a charge, stores the refund and the refreshed charge', async () => {
      const customer = await customerWithCard();
      const created = await fake().client().charges.create({ amount: 2000, currency: 'usd', customer: customer.id, source: 'tok_visa' });
      const charge = await Charge.retrieveFromStripe(created.id);

      const refund = await charge.refund(500);

      expect(refund).to.include({ object: 'refund', amount: 500, charge: created.id });
      expect(await Refund.exists({ _id: refund.id })).to.not.equal(null);
      expect((await Charge.findById(created.id))!.amount_refunded).to.equal(500);
    });

    it('refunds the whole charge without an amount', async () => {
      const created = await fake().client().charges.create({ amount: 1500, currency: 'usd', source: 'tok_visa' });
      const refund = await (await Charge.retrieveFromStripe(created.id)).refund();
      expect(refund.amount).to.equal(1500);
      expect((await Charge.findById(created.id))!.refunded).to.equal(true);
    });
  });

  describe('Invoice', () => {
    async function openInvoice() {
      const stripe = fake().client();
      const customer = await customerWithCard();
      await stripe.invoiceItems.create({ customer: customer.id, amount: 1200, currency: 'usd', description: 'Setup' });
      const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      return Invoice.retrieveFromStripe((await stripe.invoices.finalizeInvoice(invoice.id)).id);
    }

    it('pay() pays the invoice through the API and stores it paid', async () => {
      const invoice = await openInvoice();
      const paid = await invoice.pay();
      expect(paid.status).to.equal('paid');
      expect((await Invoice.findById(invoice.id))!.status).to.equal('paid');
    });

    it('lineItems() reads the embedded lines', async () => {
      const invoice = await openInvoice();
      expect(invoice.lineItems().map((line) => line.amount)).to.deep.equal([1200]);
    });

    it('subscriptionId() reads the current parent shape and the old top-level field', async () => {
      const current = await Invoice.syncFromStripeData({ id: 'in_new', object: 'invoice', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_new' } } });
      const old = await Invoice.syncFromStripeData({ id: 'in_old', object: 'invoice', subscription: 'sub_old' });
      expect([current.subscriptionId(), old.subscriptionId()]).to.deep.equal(['sub_new', 'sub_old']);
    });
  });

  describe('PaymentMethod', () => {
    it('attach() and detach() change the customer in Stripe and in the mirror', async () => {
      const stripe = fake().client();
      const customer = await stripe.customers.create({ email: 'pm@example.com' });
      const created = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      const paymentMethod = await PaymentMethod.retrieveFromStripe(created.id);

      const attached = await paymentMethod.attach(customer.id);
      expect(attached.customer).to.equal(customer.id);
      expect((await PaymentMethod.findById(created.id).lean())!.customer).to.equal(customer.id);

      const detached = await attached.detach();
      expect(detached.customer).to.equal(null);
    });
  });

  describe('Account', () => {
    it('platform() stores the platform account', async () => {
      const platform = await Account.platform();
      expect(platform.object).to.equal('account');
      expect(await StripeObject.exists({ _id: platform.id, stripeAccount: null })).to.not.equal(null);
    });

    it('syncConnectedAccounts() stores every Connect account across pages', async () => {
      for (let i = 0; i < 3; i += 1) await fake().client().accounts.create({ type: 'express', email: `shop${i}@example.com` });
      const result = await Account.syncConnectedAccounts({ limit: 2 });
      expect(result.synced).to.equal(3);
      expect(result.pages).to.equal(2);
      expect(await Account.countDocuments()).to.equal(3);
    });
  });
});

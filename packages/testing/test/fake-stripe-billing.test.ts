import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe billing: subscriptions and invoices', () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  let monthly: Stripe.Price;

  before(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
    const product = await stripe.products.create({ name: 'Pro' });
    monthly = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2900, recurring: { interval: 'month' } });
  });
  after(() => fake.stop());

  async function payingCustomer(): Promise<Stripe.Customer> {
    const customer = await stripe.customers.create({ email: 'payer@example.com' });
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    return stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: method.id } });
  }

  describe('subscriptions', () => {
    it('creates an active subscription with embedded items carrying their own current period', async () => {
      const customer = await payingCustomer();
      const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id, quantity: 2 }] });
      expect(subscription.id).to.match(/^sub_/);
      expect(subscription.status).to.equal('active');
      const item = subscription.items.data[0];
      expect(item?.id).to.match(/^si_/);
      expect(item?.quantity).to.equal(2);
      expect(item?.price.id).to.equal(monthly.id);
      expect(item?.current_period_start).to.equal(subscription.start_date);
      expect((item?.current_period_end ?? 0) - (item?.current_period_start ?? 0)).to.be.within(28 * 86_400, 31 * 86_400);
    });

    it('pays the first invoice of a new subscription', async () => {
      const customer = await payingCustomer();
      const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
      const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
      expect(invoice).to.include({ status: 'paid', amount_paid: 2900, billing_reason: 'subscription_create' });
      expect(invoice.parent?.subscription_details?.subscription).to.equal(subscription.id);
      expect((await stripe.charges.list({ customer: customer.id })).data[0]?.amount).to.equal(2900);
    });

    it('starts a trial without charging', async () => {
      const customer = await stripe.customers.create({});
      const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], trial_period_days: 7 });
      expect(subscription.status).to.equal('trialing');
      expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).to.equal(7 * 86_400);
    });

    it('refuses a paid subscription for a customer without a payment method', async () => {
      const customer = await stripe.customers.create({});
      await expect(stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] })).to.be.rejectedWith(
        Stripe.errors.StripeInvalidRequestError,
        'no attached payment source',
      );
    });

    it('schedules cancellation at period end through an update', async () => {
      const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
      const updated = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      expect(updated).to.include({ cancel_at_period_end: true, status: 'active', cancel_at: subscription.items.data[0]?.current_period_end });
    });

    it('cancels immediately on DELETE and hides canceled ones from the default list', async () => {
      const customer = await payingCustomer();
      const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
      const canceled = await stripe.subscriptions.cancel(subscription.id);
      expect(canceled.status).to.equal('canceled');
      expect(canceled.ended_at).to.be.a('number');
      expect((await stripe.subscriptions.list({ customer: customer.id })).data).to.have.length(0);
      expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).to.have.length(1);
    });

    it('adds, changes and removes items through subscription updates and /v1/subscription_items', async () => {
      const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
      const first = subscription.items.data[0];
      const added = await stripe.subscriptionItems.create({ subscription: subscription.id, price: monthly.id, quantity: 3 });
      await stripe.subscriptions.update(subscription.id, { items: [{ id: first?.id ?? '', quantity: 5 }] });
      const listed = await stripe.subscriptionItems.list({ subscription: subscription.id });
      expect(listed.data.map((item) => item.quantity).sort()).to.deep.equal([3, 5]);
      await stripe.subscriptionItems.del(added.id);
      const after = await stripe.subscriptions.retrieve(subscription.id);
      expect(after.items.data.map((item) => item.id)).to.deep.equal([first?.id]);
    });
  });

  describe('invoices', () => {
    it('builds a draft from an invoice item, finalizes it with a number and pays it', async () => {
      const customer = await payingCustomer();
      const draft = await stripe.invoices.create({ customer: customer.id, auto_advance: false });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 1500, currency: 'usd', description: 'Setup fee' });
      const withLine = await stripe.invoices.retrieve(draft.id);
      expect(withLine).to.include({ status: 'draft', amount_due: 1500, total: 1500 });
      expect(withLine.lines.data[0]).to.include({ amount: 1500, description: 'Setup fee', object: 'line_item' });
      const finalized = await stripe.invoices.finalizeInvoice(draft.id);
      expect(finalized.status).to.equal('open');
      expect(finalized.number).to.match(new RegExp(`^${customer.invoice_prefix}-0001$`));
      const paid = await stripe.invoices.pay(draft.id);
      expect(paid).to.include({ status: 'paid', amount_paid: 1500, amount_remaining: 0 });
      expect(paid.status_transitions.paid_at).to.be.a('number');
    });

    it('pulls pending invoice items when asked to', async () => {
      const customer = await payingCustomer();
      await stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'usd' });
      const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      expect(invoice.amount_due).to.equal(300);
      expect((await stripe.invoices.listLineItems(invoice.id)).data).to.have.length(1);
    });

    it('refuses to pay an invoice twice', async () => {
      const customer = await payingCustomer();
      const invoice = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.pay(invoice.id);
      await expect(stripe.invoices.pay(invoice.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'already paid');
    });

    it('voids an open invoice and deletes only drafts', async () => {
      const customer = await payingCustomer();
      const open = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: customer.id })).id);
      expect((await stripe.invoices.voidInvoice(open.id)).status).to.equal('void');
      await expect(stripe.invoices.del(open.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'draft');
      const draft = await stripe.invoices.create({ customer: customer.id });
      expect(await stripe.invoices.del(draft.id)).to.deep.equal({ id: draft.id, object: 'invoice', deleted: true });
    });

    it('lists invoices by subscription', async () => {
      const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
      const invoices = await stripe.invoices.list({ subscription: subscription.id });
      expect(invoices.data.map((invoice) => invoice.id)).to.deep.equal([subscription.latest_invoice]);
    });
  });
});

import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe subscription lifecycle: pause, resume, trial end, invoice preview', () => {
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

  function typesFor(id: string): string[] {
    return fake
      .events()
      .filter((event) => (event.data.object as { id?: string }).id === id)
      .map((event) => event.type);
  }

  it('sets and clears pause_collection with customer.subscription.updated, status unchanged', async () => {
    const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
    const paused = await stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'keep_as_draft' } });
    expect(paused.pause_collection).to.deep.equal({ behavior: 'keep_as_draft', resumes_at: null });
    expect(paused.status).to.equal('active');
    const cleared = await stripe.subscriptions.update(subscription.id, { pause_collection: '' });
    expect(cleared.pause_collection).to.equal(null);
    const updates = fake.events().filter((event) => event.type === 'customer.subscription.updated' && event.data.object.id === subscription.id);
    expect(updates.map((event) => event.data.previous_attributes)).to.deep.equal([{ pause_collection: null }, { pause_collection: { behavior: 'keep_as_draft', resumes_at: null } }]);
  });

  it('refuses an unknown pause_collection behavior', async () => {
    const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
    await expect(stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'sleep' } })).to.be.rejectedWith(
      Stripe.errors.StripeInvalidRequestError,
      /pause_collection\[behavior\]/,
    );
  });

  it('pauses (status paused) and resumes with a new period whose invoice is paid', async () => {
    const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
    expect((await stripe.subscriptions.pause(subscription.id)).status).to.equal('paused');

    const resumed = await stripe.subscriptions.resume(subscription.id);

    expect(resumed.status).to.equal('active');
    expect(resumed.latest_invoice).to.not.equal(subscription.latest_invoice);
    expect((await stripe.invoices.retrieve(String(resumed.latest_invoice))).status).to.equal('paid');
    expect(resumed.items.data[0]?.current_period_start).to.equal(resumed.billing_cycle_anchor);
    expect(typesFor(subscription.id)).to.include.ordered.members([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.paused',
      'customer.subscription.updated',
      'customer.subscription.resumed',
    ]);
  });

  it('refuses to resume a subscription that is not paused', async () => {
    const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }] });
    await expect(stripe.subscriptions.resume(subscription.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, /Only a paused subscription/);
  });

  it('ends a trial with trial_end=now: a paid first period, or past_due with an open invoice without a payment method', async () => {
    const paying = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id }], trial_period_days: 30 });
    const active = await stripe.subscriptions.update(paying.id, { trial_end: 'now' });
    expect(active.status).to.equal('active');
    expect((await stripe.invoices.retrieve(String(active.latest_invoice))).amount_paid).to.equal(2900);

    const bare = await stripe.customers.create({ email: 'bare@example.com' });
    const unpaid = await stripe.subscriptions.create({ customer: bare.id, items: [{ price: monthly.id }], trial_period_days: 30 });
    const pastDue = await stripe.subscriptions.update(unpaid.id, { trial_end: 'now' });
    expect(pastDue.status).to.equal('past_due');
    expect((await stripe.invoices.retrieve(String(pastDue.latest_invoice))).status).to.equal('open');
  });

  it('previews the next invoice without storing it or recording an event', async () => {
    const subscription = await stripe.subscriptions.create({ customer: (await payingCustomer()).id, items: [{ price: monthly.id, quantity: 3 }] });
    const events = fake.events().length;
    const preview = await stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview.id).to.match(/^upcoming_in_/);
    expect(preview).to.include({ amount_due: 8700, billing_reason: 'upcoming', status: 'draft', period_start: subscription.items.data[0]?.current_period_end });
    expect(fake.events()).to.have.length(events);
    await expect(stripe.invoices.retrieve(preview.id)).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, /No such invoice/);
  });

  it('refuses a preview without customer or subscription', async () => {
    await expect(stripe.invoices.createPreview({})).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, /at least one of `customer`/);
  });
});

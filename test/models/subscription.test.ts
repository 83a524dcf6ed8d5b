import { expect } from '../support/chai.js';
import { StripeObject, Subscription } from '../../src/models/index.js';
import type { SubscriptionDocument } from '../../src/models/index.js';
import { useFakeStripe } from './support/fake-stripe.js';

const NOW = new Date('2026-06-15T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const DAY = 86_400;

let sequence = 0;
async function subscription(fields: Record<string, unknown>): Promise<SubscriptionDocument> {
  sequence += 1;
  return Subscription.syncFromStripeData({ id: `sub_case${sequence}`, object: 'subscription', customer: 'cus_1', ...fields });
}

/** Current shape (API 2025-03-31+): the period lives on the items. */
const currentShapeItems = (end: number) => ({
  object: 'list',
  data: [{ id: 'si_1', object: 'subscription_item', current_period_start: end - 30 * DAY, current_period_end: end }],
});

describe('Subscription', () => {
  describe('currentPeriodEnd()', () => {
    it('reads the old top-level current_period_end', async () => {
      expect((await subscription({ status: 'active', current_period_end: nowSeconds + DAY })).currentPeriodEnd()).to.equal(nowSeconds + DAY);
    });

    it('reads the current per-item current_period_end', async () => {
      expect((await subscription({ status: 'active', items: currentShapeItems(nowSeconds + 2 * DAY) })).currentPeriodEnd()).to.equal(nowSeconds + 2 * DAY);
    });

    it('is null when the payload has no period', async () => {
      expect((await subscription({ status: 'active' })).currentPeriodEnd()).to.equal(null);
    });
  });

  describe('isActive() and isValid()', () => {
    const cases: [string, Record<string, unknown>, boolean, boolean][] = [
      ['active', { status: 'active', items: currentShapeItems(nowSeconds + DAY) }, true, true],
      ['trialing', { status: 'trialing', current_period_end: nowSeconds + DAY }, true, true],
      ['past_due (Stripe still retrying)', { status: 'past_due', current_period_end: nowSeconds + DAY }, false, true],
      ['canceled, paid period not over', { status: 'canceled', items: currentShapeItems(nowSeconds + DAY) }, false, true],
      ['canceled, paid period over (old shape)', { status: 'canceled', current_period_end: nowSeconds - DAY }, false, false],
      ['ended', { status: 'canceled', ended_at: nowSeconds - DAY, current_period_end: nowSeconds + DAY }, false, false],
      ['active but ended_at passed', { status: 'active', ended_at: nowSeconds - 1 }, false, false],
      ['incomplete', { status: 'incomplete' }, false, false],
      ['unpaid', { status: 'unpaid' }, false, false],
    ];
    for (const [name, fields, active, valid] of cases) {
      it(`${name}: isActive ${active}, isValid ${valid}`, async () => {
        const doc = await subscription(fields);
        expect([doc.isActive(NOW), doc.isValid(NOW)]).to.deep.equal([active, valid]);
      });
    }
  });

  describe('cancel()', () => {
    const fake = useFakeStripe();

    async function liveSubscription(): Promise<SubscriptionDocument> {
      const stripe = fake().client();
      const customer = await stripe.customers.create({ email: 'sub@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const product = await stripe.products.create({ name: 'Pro' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } });
      const created = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      return Subscription.retrieveFromStripe(created.id);
    }

    it('cancels now through the API and stores the canceled subscription', async () => {
      const live = await liveSubscription();
      const canceled = await live.cancel();
      expect(canceled.status).to.equal('canceled');
      expect(fake().get('subscription', live.id)!.status).to.equal('canceled');
      expect((await StripeObject.findById(live.id))!.get('status')).to.equal('canceled');
    });

    it('cancels at period end: stays active and valid, flagged to cancel', async () => {
      const live = await liveSubscription();
      const flagged = await live.cancel({ atPeriodEnd: true });
      expect(flagged.cancel_at_period_end).to.equal(true);
      expect(flagged.isActive()).to.equal(true);
    });
  });
});

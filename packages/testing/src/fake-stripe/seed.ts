import { OpContext } from './context.js';
import type { IdFactory } from './ids.js';
import type { StripeObjectLike } from './json.js';
import { ensureConnectedAccount, nextAccountId } from './resources/accounts.js';
import { createPrice, createProduct } from './resources/catalog.js';
import { createChargeRecord } from './resources/charges.js';
import { createCustomer } from './resources/customers.js';
import { attachPaymentMethod } from './resources/payment-methods.js';
import { createRefund } from './resources/refunds.js';
import { cancelSubscription, createSubscription } from './resources/subscriptions.js';
import type { Store } from './store.js';

const DAY = 86_400;

/** The people of the realistic seed: name, e-mail local part, test card. */
const PEOPLE = [
  ['Ada Lovelace', 'ada', 'pm_card_visa'],
  ['Grace Hopper', 'grace', 'pm_card_mastercard'],
  ['Alan Turing', 'alan', 'pm_card_amex'],
  ['Katherine Johnson', 'katherine', 'pm_card_visa_debit'],
  ['Edsger Dijkstra', 'edsger', 'pm_card_visa'],
  ['Barbara Liskov', 'barbara', 'pm_card_discover'],
  ['Donald Knuth', 'donald', 'pm_card_mastercard'],
  ['Margaret Hamilton', 'margaret', 'pm_card_visa'],
] as const;

/**
 * A small, plausible account built through the same operations the API runs (so every object is consistent), with
 * no events: 3 products, 4 prices, 8 customers with default cards, 7 subscriptions (active, trialing, one set to cancel
 * at period end, one canceled), their paid invoices and charges, a one-off charge refunded in full and one partially,
 * and one Connect account with its own customer and subscription. Ids, names and amounts are the same on every run;
 * times are relative to today (UTC), so active subscriptions' current periods always contain now.
 */
export function seedRealistic(store: Store, ids: IdFactory, now: number): void {
  let clock = Math.floor(now / DAY) * DAY - 60 * DAY;
  const at = (daysAgo: number): void => {
    clock = Math.floor(now / DAY) * DAY - daysAgo * DAY;
  };
  const platform = new OpContext(store, store.platform, ids, null, { apiVersion: '', requestId: null, idempotencyKey: null }, () => (clock += 1));

  at(90);
  const starter = createProduct(platform, { name: 'Starter', description: 'For individuals getting started' });
  const pro = createProduct(platform, { name: 'Pro', description: 'For growing teams' });
  const onboarding = createProduct(platform, { name: 'Onboarding session', description: 'One hour with a product specialist' });
  const starterMonthly = createPrice(platform, { product: starter.id, currency: 'usd', unit_amount: '900', nickname: 'Starter monthly', recurring: { interval: 'month' }, lookup_key: 'starter_monthly' });
  const proMonthly = createPrice(platform, { product: pro.id, currency: 'usd', unit_amount: '2900', nickname: 'Pro monthly', recurring: { interval: 'month' }, lookup_key: 'pro_monthly' });
  createPrice(platform, { product: pro.id, currency: 'usd', unit_amount: '29000', nickname: 'Pro yearly', recurring: { interval: 'year' }, lookup_key: 'pro_yearly' });
  createPrice(platform, { product: onboarding.id, currency: 'usd', unit_amount: '15000', nickname: 'Onboarding' });

  const customers = PEOPLE.map(([name, local, card], index) => {
    at(80 - index * 5);
    return withDefaultCard(platform, createCustomer(platform, { name, email: `${local}@example.com`, metadata: { user_id: `user_${String(index + 1).padStart(3, '0')}` } }), card);
  });

  const subscribe = (customer: StripeObjectLike | undefined, price: StripeObjectLike, daysAgo: number, extra: Record<string, string> = {}): StripeObjectLike | undefined => {
    if (!customer) return undefined;
    at(daysAgo);
    return createSubscription(platform, { customer: customer.id, items: [{ price: price.id, quantity: extra.quantity ?? '1' }], ...extra });
  };
  subscribe(customers[0], proMonthly, 20);
  subscribe(customers[1], starterMonthly, 12);
  subscribe(customers[2], proMonthly, 25, { quantity: '5' });
  subscribe(customers[3], starterMonthly, 3, { trial_period_days: '14' });
  subscribe(customers[4], proMonthly, 8, { cancel_at_period_end: 'true' });
  subscribe(customers[5], starterMonthly, 17);
  const canceled = subscribe(customers[6], starterMonthly, 58);
  if (canceled) {
    at(40);
    cancelSubscription(platform, canceled);
  }

  for (const [index, refundAmount] of [[0, undefined], [2, '5000']] as const) {
    const customer = customers[index];
    if (!customer) continue;
    at(30 - index);
    const charge = createChargeRecord(platform, { amount: 15000, currency: 'usd', customer: customer.id, paymentMethod: null, description: 'Onboarding session' });
    at(28 - index);
    createRefund(platform, { charge: charge.id, reason: 'requested_by_customer', ...(refundAmount ? { amount: refundAmount } : {}) });
  }

  at(70);
  const account = ensureConnectedAccount(store, nextAccountId(ids), clock);
  const connected = platform.inAccount(account.id);
  const course = createProduct(connected, { name: 'Pottery course' });
  const coursePrice = createPrice(connected, { product: course.id, currency: 'eur', unit_amount: '4500', recurring: { interval: 'month' } });
  const student = withDefaultCard(connected, createCustomer(connected, { name: 'Lin Chen', email: 'lin@example.com' }), 'pm_card_visa');
  at(15);
  createSubscription(connected, { customer: student.id, items: [{ price: coursePrice.id }] });
}

function withDefaultCard(ctx: OpContext, customer: StripeObjectLike, card: string): StripeObjectLike {
  const method = attachPaymentMethod(ctx, card, customer.id);
  return ctx.save({ ...customer, invoice_settings: { custom_fields: null, default_payment_method: method.id, footer: null, rendering_options: null } });
}

import type Stripe from 'stripe';
import type { deliverWebhook, FakeStripe } from '@stripe-mirror/testing';
import { CliFailure } from '../errors.js';

/** What the demo lifecycle created, for the narration. */
export interface Lifecycle {
  readonly customer: string;
  readonly paymentMethod: string;
  readonly subscription: string;
  readonly invoice: string;
  readonly charge: string;
  readonly refund: string;
  /** Every event the fake API recorded for these calls, oldest first. */
  readonly events: readonly Stripe.Event[];
}

/**
 * Plays a customer's whole life through the fake Stripe API with the real SDK (customer -> payment method ->
 * subscription -> invoice paid -> charge -> refund -> cancellation), so every id in the events is consistent,
 * and returns the events the API recorded along the way.
 *
 * ```ts
 * const { events } = await runLifecycle(fake);
 * ```
 */
export async function runLifecycle(fake: FakeStripe): Promise<Lifecycle> {
  const stripe = fake.client();
  const eventsBefore = fake.events().length;
  const customer = await stripe.customers.create({ name: 'Rosalind Franklin', email: 'rosalind@example.com', metadata: { user_id: 'user_demo' } });
  const paymentMethod = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: paymentMethod.id } });
  const [price] = (await stripe.prices.list({ lookup_keys: ['pro_monthly'], limit: 1 })).data;
  if (!price) throw new CliFailure('demo_failed', 'the fake Stripe API has no pro_monthly price to subscribe to');
  const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  const [invoice] = (await stripe.invoices.list({ customer: customer.id, limit: 1 })).data;
  const [charge] = (await stripe.charges.list({ customer: customer.id, limit: 1 })).data;
  if (!invoice?.id || !charge) throw new CliFailure('demo_failed', 'the subscription produced no paid invoice and charge in the fake Stripe API');
  const refund = await stripe.refunds.create({ charge: charge.id });
  await stripe.subscriptions.cancel(subscription.id);
  return {
    customer: customer.id,
    paymentMethod: paymentMethod.id,
    subscription: subscription.id,
    invoice: invoice.id,
    charge: charge.id,
    refund: refund.id,
    events: fake.events().slice(eventsBefore),
  };
}

/**
 * Delivers each event to the webhook URL as Stripe would (exact JSON, a valid `Stripe-Signature`), in order, and
 * returns how many were accepted (2xx). `deliver` is the testing kit's `deliverWebhook`, which the demo loads when it
 * runs.
 *
 * ```ts
 * const accepted = await deliverSigned(kit.deliverWebhook, server.webhookUrl, events, 'whsec_demo');
 * ```
 */
export async function deliverSigned(
  deliver: typeof deliverWebhook,
  url: string,
  events: readonly Stripe.Event[],
  secret: string,
): Promise<number> {
  let accepted = 0;
  for (const event of events) {
    const { status } = await deliver(url, event, { secret });
    if (status >= 200 && status < 300) accepted += 1;
  }
  return accepted;
}

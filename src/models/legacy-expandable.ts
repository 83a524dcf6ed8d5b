/**
 * Expandable fields that older Stripe API versions had and the current `stripe` types dropped. Webhooks arrive in the
 * endpoint's API version, so a 2020-era `invoice.subscription` can still come in expanded; listing the path here
 * makes the mirror store it as an id like any other expansion. Hand-written: the generator only sees current types.
 */
export const LEGACY_EXPANDABLE: Readonly<Record<string, readonly string[]>> = {
  charge: ['invoice'],
  invoice: ['charge', 'payment_intent', 'subscription'],
  invoiceitem: ['subscription', 'subscription_item'],
  line_item: ['invoice_item', 'subscription_item'],
  payment_intent: ['invoice'],
  subscription_item: ['subscription'],
};

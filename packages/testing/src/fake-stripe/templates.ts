import samples from './fixtures/stripe-openapi-samples.json' with { type: 'json' };
import type { JsonObject } from './json.js';

/**
 * Blank objects to build new ones from. Each starts as the sample for its type in Stripe's OpenAPI fixtures (copied
 * from `stripe-openapi/fixtures3.json`, MIT, see fixtures/LICENSE), so every field a current Stripe object has
 * exists; the overrides below clear the placeholder values (`obj_123`, `1234567890`, sub-objects that only exist in
 * some states) to what a freshly created object carries.
 */
const OVERRIDES: Record<string, JsonObject> = {
  customer: { discount: null, shipping: null, email: null, name: null, invoice_prefix: '', currency: null },
  subscription: {
    billing_cycle_anchor_config: null,
    cancel_at: null,
    canceled_at: null,
    cancel_at_period_end: false,
    ended_at: null,
    items: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
    next_pending_invoice_item_invoice: null,
    pause_collection: null,
    pending_invoice_item_interval: null,
    pending_update: null,
    transfer_data: null,
    trial_end: null,
    trial_start: null,
    billing_thresholds: null,
    billing_schedules: [],
    managed_payments: { enabled: false },
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
  },
  subscription_item: { billing_thresholds: null },
  charge: {
    amount_captured: 0,
    balance_transaction: null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    description: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    payment_method: null,
    receipt_url: null,
    shipping: null,
    transfer_data: null,
    source: null,
  },
  refund: {},
  invoice: {
    from_invoice: null,
    last_finalization_error: null,
    due_date: null,
    effective_at: null,
    next_payment_attempt: null,
    shipping_cost: null,
    shipping_details: null,
    customer_shipping: null,
    webhooks_delivered_at: null,
    amount_overpaid: 0,
    amount_due: 0,
    amount_remaining: 0,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    total: 0,
    total_excluding_tax: 0,
    parent: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
  },
  line_item: { pretax_credit_amounts: [], taxes: [], subtotal: 0 },
  invoiceitem: { net_amount: 0, quantity_decimal: '1', parent: null },
  payment_method: { metadata: {}, billing_details: {
    address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: null,
    name: null,
    phone: null,
    tax_id: null,
  } },
  payment_intent: {
    canceled_at: null,
    last_payment_error: null,
    next_action: null,
    processing: null,
    transfer_data: null,
    payment_method_configuration_details: null,
    managed_payments: { enabled: false },
    shipping: null,
    automatic_payment_methods: null,
  },
  product: { default_price: null, description: null, package_dimensions: null, type: 'service' },
  price: { transform_quantity: null, custom_unit_amount: null, recurring: null, type: 'one_time' },
  plan: { transform_usage: null, nickname: null },
  coupon: { duration: 'once', duration_in_months: null, name: null, percent_off: null, redeem_by: null, currency: null },
  tax_rate: { flat_amount: null, jurisdiction: null, country: null, description: null, state: null },
  setup_intent: { last_setup_error: null, next_action: null, payment_method_configuration_details: null, automatic_payment_methods: null },
  'checkout.session': {
    after_expiration: null,
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_details: null,
    invoice_creation: null,
    payment_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    collected_information: null,
    currency_conversion: null,
    managed_payments: { enabled: false },
    cancel_url: null,
    success_url: null,
    payment_method_configuration_details: null,
  },
  account: {},
  event: {},
};

const SAMPLES: Record<string, JsonObject> = samples as unknown as Record<string, JsonObject>;

const blanks = new Map<string, JsonObject>();

/**
 * The blank object for `type`, shared and frozen-by-convention: spread it (`{ ...blank('customer'), id }`) and never
 * mutate nested values in place.
 */
export function blank(type: string): JsonObject {
  let template = blanks.get(type);
  if (!template) {
    const sample = SAMPLES[type];
    if (!sample) throw new Error(`no template for Stripe object type '${type}'`);
    template = { ...structuredClone(sample), ...structuredClone(OVERRIDES[type] ?? {}), livemode: false, metadata: {} };
    blanks.set(type, template);
  }
  return template;
}

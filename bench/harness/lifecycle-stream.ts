import { readFileSync } from 'node:fs';
import { Random } from './random.js';

/** A Stripe event as the load runs send it (the fields a webhook endpoint reads). */
export interface WebhookEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StripeObjectJson; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** A Stripe object as JSON: `id` and `object` plus whatever Stripe sends. */
export interface StripeObjectJson {
  id: string;
  object: string;
  [field: string]: unknown;
}

export interface LifecycleStreamOptions {
  /** 1,000 customers give 20,000 events (20 per lifecycle). */
  customers: number;
  seed: number;
  /** Share of events delivered a second time (0.1 = 10 %). */
  duplicateRate: number;
  /** `created` of the first event; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /** Lifecycles started per second: 2 packs many events of different objects into each second. */
  customersPerSecond?: number;
}

export interface LifecycleStream {
  /** Every event once, in the order Stripe created them (by `created`, then generation order within a second). */
  inOrder: WebhookEvent[];
  /** The delivery order: `inOrder` shuffled, with `duplicateRate` of the events repeated at random places. */
  deliveries: WebhookEvent[];
}

type Templates = Record<'customer' | 'payment_method' | 'subscription' | 'invoice' | 'charge' | 'refund', StripeObjectJson>;

const templates = JSON.parse(
  readFileSync(new URL('../fixtures/lifecycle-templates.json', import.meta.url), 'utf8'),
) as Templates;

const API_VERSION = '2026-07-29.dahlia';
/** Events in one customer's lifecycle. */
export const EVENTS_PER_LIFECYCLE = 20;

/**
 * Builds the load suite's event stream: one lifecycle per customer (created, payment method attached, updated,
 * subscription created → active, two invoices draft → open → paid, two charges, a refund, cancellation, payment
 * method detached), 20 events each, with realistic payloads (from the Stripe OpenAPI fixtures). Within a lifecycle
 * `created` never goes back; several versions of one object share a second only where Stripe's own progression
 * orders them (subscription incomplete → active, invoice draft → open → paid, identical `invoice.paid` and
 * `invoice.payment_succeeded`). Deterministic for a seed.
 *
 * ```ts
 * const { inOrder, deliveries } = buildLifecycleStream({ customers: 1_000, seed: 7, duplicateRate: 0.1 });
 * inOrder.length // -> 20_000; deliveries.length // -> 22_000
 * ```
 */
export function buildLifecycleStream(options: LifecycleStreamOptions): LifecycleStream {
  const rng = new Random(options.seed);
  const start = options.startTime ?? 1_767_225_600;
  const perSecond = options.customersPerSecond ?? 2;
  const generated: WebhookEvent[] = [];
  for (let i = 0; i < options.customers; i++) {
    generated.push(...customerLifecycle(i, start + Math.floor(i / perSecond), rng));
  }
  const inOrder = generated
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.created - b.event.created || a.index - b.index)
    .map(({ event }) => event);
  const duplicates = rng.shuffle([...inOrder]).slice(0, Math.round(inOrder.length * options.duplicateRate));
  const deliveries = rng.shuffle([...inOrder, ...duplicates]);
  return { inOrder, deliveries };
}

/** The 20 events of customer `n`'s life, starting at second `t0`. */
function customerLifecycle(n: number, t0: number, rng: Random): WebhookEvent[] {
  const key = `L${String(n).padStart(5, '0')}${rng.string(6)}`;
  const ids = {
    customer: `cus_${key}`,
    paymentMethod: `pm_${key}`,
    subscription: `sub_${key}`,
    item: `si_${key}`,
    invoices: [`in_${key}A`, `in_${key}B`] as const,
    lines: [`il_${key}A`, `il_${key}B`] as const,
    charges: [`ch_${key}A`, `ch_${key}B`] as const,
    intents: [`pi_${key}A`, `pi_${key}B`] as const,
    refund: `re_${key}`,
  };
  const email = `customer${n}@example.com`;
  const customer = (extra: Record<string, unknown>): StripeObjectJson =>
    object('customer', { id: ids.customer, email, name: `Customer ${n}`, created: t0, metadata: {}, ...extra });
  const paymentMethod = (attachedTo: string | null): StripeObjectJson =>
    object('payment_method', { id: ids.paymentMethod, customer: attachedTo, created: t0 + 1 });
  const subscription = (status: string, period: 0 | 1, extra: Record<string, unknown> = {}): StripeObjectJson => {
    const base = object('subscription', {});
    const items = base.items as { data: Array<Record<string, unknown>> };
    const item = {
      ...items.data[0],
      id: ids.item,
      subscription: ids.subscription,
      created: t0 + 2,
      current_period_start: t0 + 2 + period * 30,
      current_period_end: t0 + 2 + (period + 1) * 30,
    };
    return {
      ...base,
      id: ids.subscription,
      customer: ids.customer,
      status,
      created: t0 + 2,
      default_payment_method: ids.paymentMethod,
      latest_invoice: ids.invoices[period],
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      items: { ...items, data: [item], url: `/v1/subscription_items?subscription=${ids.subscription}` },
      ...extra,
    };
  };
  const invoice = (k: 0 | 1, status: string): StripeObjectJson => {
    const base = object('invoice', {});
    const lines = base.lines as { data: Array<Record<string, unknown>> };
    const paid = status === 'paid';
    return {
      ...base,
      id: ids.invoices[k],
      customer: ids.customer,
      status,
      created: t0 + 2 + k * 3,
      amount_due: 2000,
      amount_paid: paid ? 2000 : 0,
      amount_remaining: paid ? 0 : 2000,
      attempted: paid,
      attempt_count: paid ? 1 : 0,
      number: status === 'draft' ? null : `${key}-000${k + 1}`,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: ids.subscription } },
      lines: {
        ...lines,
        data: [{ ...lines.data[0], id: ids.lines[k], invoice: ids.invoices[k], amount: 2000 }],
        url: `/v1/invoices/${ids.invoices[k]}/lines`,
      },
    };
  };
  const charge = (k: 0 | 1, refunded: boolean): StripeObjectJson =>
    object('charge', {
      id: ids.charges[k],
      customer: ids.customer,
      payment_intent: ids.intents[k],
      payment_method: ids.paymentMethod,
      created: t0 + 2 + k * 4,
      amount: 2000,
      amount_captured: 2000,
      amount_refunded: refunded ? 2000 : 0,
      refunded,
      refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${ids.charges[k]}/refunds` },
    });
  const metadata = { 'plan.tier': 'gold', $note: 'vip', '名前': `顧客 ${n} 🚀`, 'a b': 'c' };

  const steps: Array<[number, string, StripeObjectJson, Record<string, unknown>?]> = [
    [0, 'customer.created', customer({})],
    [1, 'payment_method.attached', paymentMethod(ids.customer)],
    [1, 'customer.updated', customer({ invoice_settings: { ...invoiceSettings(), default_payment_method: ids.paymentMethod } }), { invoice_settings: invoiceSettings() }],
    [2, 'customer.subscription.created', subscription('incomplete', 0)],
    [2, 'invoice.created', invoice(0, 'draft')],
    [2, 'invoice.finalized', invoice(0, 'open'), { status: 'draft' }],
    [2, 'charge.succeeded', charge(0, false)],
    [2, 'invoice.paid', invoice(0, 'paid'), { status: 'open' }],
    [2, 'invoice.payment_succeeded', invoice(0, 'paid'), { status: 'open' }],
    [2, 'customer.subscription.updated', subscription('active', 0), { status: 'incomplete' }],
    [4, 'customer.updated', customer({ invoice_settings: { ...invoiceSettings(), default_payment_method: ids.paymentMethod }, metadata }), { metadata: {} }],
    [5, 'customer.subscription.updated', subscription('active', 1), { latest_invoice: ids.invoices[0] }],
    [5, 'invoice.created', invoice(1, 'draft')],
    [5, 'invoice.finalized', invoice(1, 'open'), { status: 'draft' }],
    [6, 'charge.succeeded', charge(1, false)],
    [6, 'invoice.paid', invoice(1, 'paid'), { status: 'open' }],
    [7, 'charge.refunded', charge(1, true), { amount_refunded: 0, refunded: false }],
    [7, 'refund.created', object('refund', { id: ids.refund, charge: ids.charges[1], amount: 2000, created: t0 + 7, status: 'succeeded' })],
    [8, 'customer.subscription.deleted', subscription('canceled', 1, { canceled_at: t0 + 8, ended_at: t0 + 8 }), { status: 'active' }],
    [9, 'payment_method.detached', paymentMethod(null), { customer: ids.customer }],
  ];
  return steps.map(([offset, type, data, previous], k) => ({
    id: `evt_${key}${String(k).padStart(2, '0')}`,
    object: 'event',
    api_version: API_VERSION,
    created: t0 + offset,
    data: previous ? { object: data, previous_attributes: previous } : { object: data },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  }));
}

function object(type: keyof Templates, fields: Record<string, unknown>): StripeObjectJson {
  return { ...(structuredClone(templates[type]) as StripeObjectJson), ...fields };
}

function invoiceSettings(): Record<string, unknown> {
  return { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null };
}

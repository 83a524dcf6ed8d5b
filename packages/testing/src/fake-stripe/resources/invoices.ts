import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, numberField, stringField, type JsonObject, type StripeObjectLike } from '../json.js';
import { listArray } from '../list.js';
import { applyParams, optionalBoolean, optionalString, requireString } from '../params.js';
import { findOr404, findReferenced, genericDelete, resourceRoutes } from '../resource.js';
import { idOf, type Route } from '../router.js';
import { blank } from '../templates.js';
import { createChargeRecord, defaultPaymentMethod } from './charges.js';

/** What an invoice is for: its customer, optional subscription, why it was made and its lines (built per invoice id). */
export interface InvoiceInput {
  customer: StripeObjectLike;
  subscription?: StripeObjectLike;
  billingReason: string;
  lines: (invoiceId: string) => StripeObjectLike[];
  period?: { start: number; end: number };
  params?: Params;
}

/** Creates a draft invoice (`invoice.created`) with totals computed from its lines. */
export function createInvoiceRecord(ctx: OpContext, input: InvoiceInput): StripeObjectLike {
  return ctx.save(buildInvoice(ctx, ctx.ids.next('in', 16), input), 'invoice.created');
}

/** A draft invoice with id `id`, neither stored nor announced: what {@link createInvoiceRecord} saves, and a preview. */
export function buildInvoice(ctx: OpContext, id: string, input: InvoiceInput): StripeObjectLike {
  const now = ctx.now();
  const customer = input.customer;
  const subscription = input.subscription;
  const base: StripeObjectLike = {
    ...blank('invoice'),
    id,
    object: 'invoice',
    created: now,
    account_name: 'Fake Stripe Platform',
    billing_reason: input.billingReason,
    currency: stringField(subscription ?? customer, 'currency') ?? 'usd',
    customer: customer.id,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_address: customer.address ?? null,
    period_start: input.period?.start ?? now,
    period_end: input.period?.end ?? now,
    parent: subscription
      ? { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata ?? {}, subscription: subscription.id } }
      : null,
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
  };
  const invoice = { ...applyParams(base, input.params ?? {}, { skip: ['customer', 'subscription', 'status'] }), id, object: 'invoice' };
  return withLines(invoice, input.lines(id));
}

/** The invoice with `lines` replaced and every total recomputed from them. */
export function withLines(invoice: StripeObjectLike, lines: readonly StripeObjectLike[]): StripeObjectLike {
  const total = lines.reduce((sum, line) => sum + numberField(line, 'amount'), 0);
  return {
    ...invoice,
    lines: { object: 'list', data: [...lines], has_more: false, total_count: lines.length, url: `/v1/invoices/${invoice.id}/lines` },
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    amount_due: total,
    amount_remaining: total - numberField(invoice, 'amount_paid'),
  };
}

/** The lines of an invoice, in order. */
export function linesOf(invoice: StripeObjectLike): StripeObjectLike[] {
  const lines = invoice.lines;
  if (!isJsonObject(lines) || !Array.isArray(lines.data)) return [];
  return lines.data.filter((line): line is StripeObjectLike => isJsonObject(line) && typeof line.id === 'string');
}

/** A line for a subscription item over one period. */
export function subscriptionLine(ctx: OpContext, invoiceId: string, item: StripeObjectLike, period: { start: number; end: number }): StripeObjectLike {
  const price = isJsonObject(item.price) ? item.price : {};
  const quantity = numberField(item, 'quantity');
  const unitAmount = numberField(price, 'unit_amount');
  return {
    ...blank('line_item'),
    id: ctx.ids.next('il', 16),
    object: 'line_item',
    amount: unitAmount * quantity,
    currency: price.currency ?? 'usd',
    description: `${quantity} × ${String(price.nickname ?? price.product ?? 'item')}`,
    invoice: invoiceId,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: item.subscription ?? null,
        subscription_item: item.id,
      },
    },
    period,
    pricing: { type: 'price_details', price_details: { price: price.id ?? null, product: price.product ?? null }, unit_amount_decimal: String(unitAmount) },
    quantity,
    subtotal: unitAmount * quantity,
  };
}

/** `POST /v1/invoices/:id/finalize`: draft -> open with a number (`invoice.finalized`). */
export function finalizeInvoice(ctx: OpContext, invoice: StripeObjectLike): StripeObjectLike {
  if (invoice.status !== 'draft') {
    throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", { code: 'invoice_not_editable' });
  }
  const customer = ctx.scope.get('customer', String(invoice.customer));
  const sequence = customer ? numberField(customer, 'next_invoice_sequence') || 1 : 1;
  if (customer) ctx.scope.put({ ...customer, next_invoice_sequence: sequence + 1 });
  const now = ctx.now();
  const next: StripeObjectLike = {
    ...invoice,
    status: 'open',
    number: `${String(customer?.invoice_prefix ?? 'FAKE')}-${String(sequence).padStart(4, '0')}`,
    effective_at: now,
    hosted_invoice_url: `https://invoice.stripe.com/i/${ctx.ids.random(32)}`,
    invoice_pdf: `https://pay.stripe.com/invoice/${ctx.ids.random(32)}/pdf`,
    status_transitions: { ...transitions(invoice), finalized_at: now },
  };
  return ctx.save(next, 'invoice.finalized', invoice);
}

/**
 * `POST /v1/invoices/:id/pay`: finalizes a draft, charges the default payment method (or `paid_out_of_band=true`),
 * then marks it paid (`invoice.paid`, `invoice.payment_succeeded`).
 */
export function payInvoice(ctx: OpContext, invoice: StripeObjectLike, params: Params = {}): StripeObjectLike {
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', { code: 'invoice_already_paid' });
  if (invoice.status === 'void' || invoice.status === 'uncollectible') {
    throw invalidRequest(`You cannot pay an invoice with status ${String(invoice.status)}.`, { code: 'invoice_not_editable' });
  }
  const open = invoice.status === 'draft' ? finalizeInvoice(ctx, invoice) : invoice;
  const amount = numberField(open, 'amount_due');
  if (amount > 0 && optionalBoolean(params, 'paid_out_of_band') !== true) {
    const customer = String(open.customer);
    const paymentMethod = optionalString(params, 'payment_method') ?? stringField(open, 'default_payment_method') ?? defaultPaymentMethod(ctx, customer);
    if (paymentMethod === null) {
      throw invalidRequest('This customer has no attached payment source or default payment method.', { code: 'invoice_no_payment_method_types' });
    }
    createChargeRecord(ctx, { amount, currency: stringField(open, 'currency') ?? 'usd', customer, paymentMethod, description: `Payment for Invoice` });
  }
  const paid: StripeObjectLike = {
    ...open,
    status: 'paid',
    amount_paid: amount,
    amount_remaining: 0,
    attempted: true,
    attempt_count: numberField(open, 'attempt_count') + 1,
    status_transitions: { ...transitions(open), paid_at: ctx.now() },
  };
  ctx.save(paid, 'invoice.paid', open);
  ctx.emit('invoice.payment_succeeded', paid);
  return paid;
}

function transitions(invoice: StripeObjectLike): JsonObject {
  return isJsonObject(invoice.status_transitions) ? invoice.status_transitions : {};
}

function closeInvoice(ctx: OpContext, invoice: StripeObjectLike, status: 'void' | 'uncollectible'): StripeObjectLike {
  if (invoice.status !== 'open') throw invalidRequest(`You can only ${status === 'void' ? 'void' : 'mark uncollectible'} open invoices.`, { code: 'invoice_not_editable' });
  const field = status === 'void' ? 'voided_at' : 'marked_uncollectible_at';
  const next = { ...invoice, status, amount_remaining: status === 'void' ? 0 : invoice.amount_remaining ?? 0, status_transitions: { ...transitions(invoice), [field]: ctx.now() } };
  return ctx.save(next, status === 'void' ? 'invoice.voided' : 'invoice.marked_uncollectible', invoice);
}

/** `POST /v1/invoices`: a draft for `customer`, pulling pending invoice items when asked (`pending_invoice_items_behavior=include`). */
function createInvoice(ctx: OpContext, params: Params): StripeObjectLike {
  const customer = findReferenced(ctx, 'customer', requireString(params, 'customer'), 'customer');
  const subscriptionId = optionalString(params, 'subscription');
  const subscription = subscriptionId === undefined ? undefined : findReferenced(ctx, 'subscription', subscriptionId, 'subscription');
  const include = params.pending_invoice_items_behavior === 'include';
  const pending = include ? ctx.scope.where('invoiceitem', (item) => item.customer === customer.id && item.invoice === null) : [];
  const invoice = createInvoiceRecord(ctx, {
    customer,
    ...(subscription ? { subscription } : {}),
    billingReason: 'manual',
    lines: () => [],
    params,
  });
  if (pending.length === 0) return invoice;
  for (const item of pending) ctx.scope.put({ ...item, invoice: invoice.id });
  const withItems = withLines(invoice, pending.map((item) => invoiceItemLine(ctx, invoice.id, { ...item, invoice: invoice.id })));
  return ctx.save(withItems);
}

/** A line for an invoice item. */
export function invoiceItemLine(ctx: OpContext, invoiceId: string, item: StripeObjectLike): StripeObjectLike {
  const pricing = isJsonObject(item.pricing) ? item.pricing : {};
  return {
    ...blank('line_item'),
    id: ctx.ids.next('il', 16),
    object: 'line_item',
    amount: numberField(item, 'amount'),
    currency: item.currency ?? 'usd',
    description: item.description ?? null,
    invoice: invoiceId,
    metadata: item.metadata ?? {},
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
    },
    period: item.period ?? { start: ctx.now(), end: ctx.now() },
    pricing: { type: 'price_details', price_details: pricing.price_details ?? null, unit_amount_decimal: pricing.unit_amount_decimal ?? null },
    quantity: item.quantity ?? 1,
    subtotal: numberField(item, 'amount'),
  };
}

function deleteInvoice(ctx: OpContext, invoice: StripeObjectLike): JsonObject {
  if (invoice.status !== 'draft') throw invalidRequest('You can only delete draft invoices.', { code: 'invoice_not_editable' });
  return genericDelete(ctx, invoice, 'invoice.deleted');
}

function subscriptionOf(invoice: StripeObjectLike): string | null {
  const parent = invoice.parent;
  if (!isJsonObject(parent) || !isJsonObject(parent.subscription_details)) return null;
  return stringField(parent.subscription_details, 'subscription');
}

function action(path: string, run: (ctx: OpContext, invoice: StripeObjectLike, params: Params) => StripeObjectLike): Route {
  return { method: 'POST', path, handler: (ctx, request) => run(ctx, findOr404(ctx, 'invoice', idOf(request)), request.params) };
}

/** Invoices: CRUD (delete drafts only), list by customer/subscription/status, finalize, pay, void, lines. */
export const invoiceRoutes: Route[] = [
  ...resourceRoutes({
    type: 'invoice',
    path: '/v1/invoices',
    create: createInvoice,
    update: 'generic',
    events: { updated: 'invoice.updated' },
    remove: deleteInvoice,
    filters: ['customer', 'status', 'collection_method'],
    listFilter: (params) => {
      const subscription = optionalString(params, 'subscription');
      return subscription === undefined ? undefined : (invoice) => subscriptionOf(invoice) === subscription;
    },
  }),
  action('/v1/invoices/:id/finalize', (ctx, invoice) => finalizeInvoice(ctx, invoice)),
  action('/v1/invoices/:id/pay', payInvoice),
  action('/v1/invoices/:id/void', (ctx, invoice) => closeInvoice(ctx, invoice, 'void')),
  action('/v1/invoices/:id/mark_uncollectible', (ctx, invoice) => closeInvoice(ctx, invoice, 'uncollectible')),
  {
    method: 'GET',
    path: '/v1/invoices/:id/lines',
    handler: (ctx, request) => {
      const invoice = findOr404(ctx, 'invoice', idOf(request));
      return listArray(linesOf(invoice), request.params, `/v1/invoices/${invoice.id}/lines`);
    },
  },
];

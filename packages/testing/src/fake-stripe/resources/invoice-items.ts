import type { OpContext } from '../context.js';
import type { Params } from '../form.js';
import { invalidRequest } from '../http-errors.js';
import { isJsonObject, numberField, type JsonObject, type StripeObjectLike } from '../json.js';
import { applyParams, hashParam, optionalNumber, optionalString, requireString } from '../params.js';
import { findReferenced, genericDelete, genericUpdate, resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';
import { blank } from '../templates.js';
import { invoiceItemLine, linesOf, withLines } from './invoices.js';

/**
 * `POST /v1/invoiceitems`: `customer` plus `amount` + `currency` or a price (`pricing[price]`, legacy `price`). With
 * `invoice` it lands on that draft invoice as a line; without, it waits for the customer's next invoice.
 */
function createInvoiceItem(ctx: OpContext, params: Params): StripeObjectLike {
  const customer = findReferenced(ctx, 'customer', requireString(params, 'customer'), 'customer');
  const priceId = optionalString(hashParam(params, 'pricing'), 'price') ?? optionalString(params, 'price');
  const price = priceId === undefined ? undefined : findReferenced(ctx, 'price', priceId, 'pricing[price]');
  const quantity = optionalNumber(params, 'quantity') ?? 1;
  const unitAmount = price ? numberField(price, 'unit_amount') : undefined;
  const amount = unitAmount === undefined ? optionalNumber(params, 'amount') : unitAmount * quantity;
  if (amount === undefined) requireString(params, 'amount');
  const now = ctx.now();
  const base: StripeObjectLike = {
    ...blank('invoiceitem'),
    id: ctx.ids.next('ii', 16),
    object: 'invoiceitem',
    amount: amount ?? 0,
    currency: price?.currency ?? requireString(params, 'currency'),
    customer: customer.id,
    date: now,
    invoice: null,
    net_amount: amount ?? 0,
    period: { start: now, end: now },
    pricing: { type: 'price_details', price_details: price ? { price: price.id, product: price.product ?? null } : null, unit_amount_decimal: String(unitAmount ?? amount ?? 0) },
    quantity,
    quantity_decimal: String(quantity),
  };
  let item: StripeObjectLike = { ...applyParams(base, params, { skip: ['amount', 'customer', 'invoice', 'quantity', 'currency', 'pricing'] }), id: base.id, object: 'invoiceitem' };
  const invoiceId = optionalString(params, 'invoice');
  if (invoiceId !== undefined) {
    const invoice = findReferenced(ctx, 'invoice', invoiceId, 'invoice');
    if (invoice.status !== 'draft') throw invalidRequest('You can only add invoice items to draft invoices.', { param: 'invoice' });
    item = { ...item, invoice: invoice.id };
    ctx.save(item, 'invoiceitem.created');
    ctx.save(withLines(invoice, [...linesOf(invoice), invoiceItemLine(ctx, invoice.id, item)]), 'invoice.updated', invoice);
    return item;
  }
  return ctx.save(item, 'invoiceitem.created');
}

function updateInvoiceItem(ctx: OpContext, item: StripeObjectLike, params: Params): StripeObjectLike {
  const invoice = draftInvoiceOf(ctx, item);
  const next = genericUpdate(ctx, item, params, null);
  if (invoice) ctx.save(withLines(invoice, replaceLine(ctx, invoice, next)), 'invoice.updated', invoice);
  return next;
}

function deleteInvoiceItem(ctx: OpContext, item: StripeObjectLike): JsonObject {
  const invoice = draftInvoiceOf(ctx, item);
  if (invoice) ctx.save(withLines(invoice, linesOf(invoice).filter((line) => invoiceItemOf(line) !== item.id)), 'invoice.updated', invoice);
  return genericDelete(ctx, item, 'invoiceitem.deleted');
}

function draftInvoiceOf(ctx: OpContext, item: StripeObjectLike): StripeObjectLike | undefined {
  if (typeof item.invoice !== 'string') return undefined;
  const invoice = ctx.scope.get('invoice', item.invoice);
  if (invoice && invoice.status !== 'draft') throw invalidRequest('Invoice items on a finalized invoice cannot be changed.', { code: 'invoice_not_editable' });
  return invoice;
}

function replaceLine(ctx: OpContext, invoice: StripeObjectLike, item: StripeObjectLike): StripeObjectLike[] {
  return linesOf(invoice).map((line) => (invoiceItemOf(line) === item.id ? { ...invoiceItemLine(ctx, invoice.id, item), id: line.id } : line));
}

function invoiceItemOf(line: StripeObjectLike): string | null {
  const parent = line.parent;
  if (!isJsonObject(parent) || !isJsonObject(parent.invoice_item_details)) return null;
  const id = parent.invoice_item_details.invoice_item;
  return typeof id === 'string' ? id : null;
}

/** Invoice items: CRUD, list by customer / invoice. */
export const invoiceItemRoutes: Route[] = resourceRoutes({
  type: 'invoiceitem',
  path: '/v1/invoiceitems',
  create: createInvoiceItem,
  update: updateInvoiceItem,
  remove: deleteInvoiceItem,
  filters: ['customer', 'invoice'],
});

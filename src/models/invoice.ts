import type { Schema } from 'mongoose';
import type Stripe from 'stripe';
import type { Stored, StripeDocument, StripeObjectModel } from './types.js';
import { callAndSync, modelOf } from './write-through.js';

/** A stored invoice; old API versions carry `subscription`, `charge`, `payment_intent` and `paid` at the top level. */
export type StoredInvoice = Stored<Stripe.Invoice> & {
  subscription?: string | null;
  charge?: string | null;
  payment_intent?: string | null;
  paid?: boolean;
};

/** Hand-written Invoice methods. */
export interface InvoiceMethods {
  /** The invoice's line items as stored (the embedded `lines` list; Stripe includes the first page). */
  lineItems(): Stripe.InvoiceLineItem[];
  /** The subscription id from the current shape (`parent.subscription_details.subscription`) or the old `subscription`. */
  subscriptionId(): string | null;
  /** Pays the invoice in Stripe (`POST /v1/invoices/{id}/pay`) and syncs the result. */
  pay(params?: Record<string, unknown>): Promise<InvoiceDocument>;
}

/** A hydrated invoice document. */
export type InvoiceDocument = StripeDocument<StoredInvoice, InvoiceMethods>;
/** The Invoice model: `await (await Invoice.findById(id))!.pay()`. */
export type InvoiceModel = StripeObjectModel<StoredInvoice, InvoiceMethods>;

/** Adds the hand-written Invoice behaviour to its discriminator schema. */
export function defineInvoice(schema: Schema): void {
  schema.method('lineItems', function lineItems(this: InvoiceDocument): Stripe.InvoiceLineItem[] {
    return this.lines?.data ?? [];
  });

  schema.method('subscriptionId', function subscriptionId(this: InvoiceDocument): string | null {
    const current = this.parent?.subscription_details?.subscription;
    if (typeof current === 'string') return current;
    if (current && typeof current === 'object') return current.id;
    return typeof this.subscription === 'string' ? this.subscription : null;
  });

  schema.method('pay', function pay(this: InvoiceDocument, params: Record<string, unknown> = {}) {
    const path = `/v1/invoices/${encodeURIComponent(this._id)}/pay`;
    return callAndSync<InvoiceDocument>(modelOf(this), 'POST', path, params, this.stripeAccount);
  });
}

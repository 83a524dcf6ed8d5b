import type { Schema } from 'mongoose';
import type Stripe from 'stripe';
import { mongooseModelName } from './names.js';
import type { Stored, StripeDocument, StripeObjectModel } from './types.js';
import { asMirroredModel, callAndSync } from './write-through.js';

/** A stored charge (expandable fields as ids). */
export type StoredCharge = Stored<Stripe.Charge>;
/** A stored refund. */
export type StoredRefund = Stored<Stripe.Refund>;
/** A hydrated refund document, as `charge.refund()` returns it. */
export type RefundDocument = StripeDocument<StoredRefund>;

/** Hand-written Charge methods. */
export interface ChargeMethods {
  /**
   * Refunds the charge in Stripe (`POST /v1/refunds`), all of it or `amount` (smallest currency unit), syncs the
   * refund and the charge as Stripe now has it, and returns the refund.
   *
   * ```ts
   * const refund = await charge.refund(500);
   * ```
   */
  refund(amount?: number): Promise<RefundDocument>;
}

/** A hydrated charge document. */
export type ChargeDocument = StripeDocument<StoredCharge, ChargeMethods>;
/** The Charge model: `(await Charge.findById(id))!.refund(500)`. */
export type ChargeModel = StripeObjectModel<StoredCharge, ChargeMethods>;

/** Adds the hand-written Charge behaviour to its discriminator schema. */
export function defineCharge(schema: Schema): void {
  schema.method('refund', async function refund(this: ChargeDocument, amount?: number) {
    const Refund = asMirroredModel(this.db.model(mongooseModelName('refund')));
    const params = { charge: this._id, ...(amount !== undefined ? { amount } : {}) };
    const created = await callAndSync<RefundDocument>(Refund, 'POST', '/v1/refunds', params, this.stripeAccount);
    await this.refreshFromStripe();
    return created;
  });
}

import type { Schema } from 'mongoose';
import type Stripe from 'stripe';
import type { Stored, StripeDocument, StripeObjectModel } from './types.js';
import { callAndSync, modelOf } from './write-through.js';

/** A stored payment method. */
export type StoredPaymentMethod = Stored<Stripe.PaymentMethod>;

/** Hand-written PaymentMethod methods. */
export interface PaymentMethodMethods {
  /** Attaches the payment method to a customer in Stripe and syncs it (its `customer` becomes that id). */
  attach(customer: string): Promise<PaymentMethodDocument>;
  /** Detaches it from its customer in Stripe and syncs it (`customer: null`). */
  detach(): Promise<PaymentMethodDocument>;
}

/** A hydrated payment method document. */
export type PaymentMethodDocument = StripeDocument<StoredPaymentMethod, PaymentMethodMethods>;
/** The PaymentMethod model: `await pm.attach('cus_1')`. */
export type PaymentMethodModel = StripeObjectModel<StoredPaymentMethod, PaymentMethodMethods>;

/** Adds the hand-written PaymentMethod behaviour to its discriminator schema. */
export function definePaymentMethod(schema: Schema): void {
  schema.method('attach', function attach(this: PaymentMethodDocument, customer: string) {
    const path = `/v1/payment_methods/${encodeURIComponent(this._id)}/attach`;
    return callAndSync<PaymentMethodDocument>(modelOf(this), 'POST', path, { customer }, this.stripeAccount);
  });

  schema.method('detach', function detach(this: PaymentMethodDocument) {
    const path = `/v1/payment_methods/${encodeURIComponent(this._id)}/detach`;
    return callAndSync<PaymentMethodDocument>(modelOf(this), 'POST', path, {}, this.stripeAccount);
  });
}

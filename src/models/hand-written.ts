import type { Schema } from 'mongoose';
import type { AccountModel } from './account.js';
import { defineAccount } from './account.js';
import type { ChargeModel } from './charge.js';
import { defineCharge } from './charge.js';
import type { CustomerModel } from './customer.js';
import { defineCustomer } from './customer.js';
import type { StripeObjectType } from './generated/object-types.js';
import type { InvoiceModel } from './invoice.js';
import { defineInvoice } from './invoice.js';
import type { PaymentMethodModel } from './payment-method.js';
import { definePaymentMethod } from './payment-method.js';
import type { SubscriptionModel } from './subscription.js';
import { defineSubscription } from './subscription.js';

/** Object type -> what its hand-written file adds to the generated discriminator schema. One line per model. */
export const HAND_WRITTEN = {
  account: defineAccount,
  charge: defineCharge,
  customer: defineCustomer,
  invoice: defineInvoice,
  payment_method: definePaymentMethod,
  subscription: defineSubscription,
} as const satisfies Partial<Record<StripeObjectType, (schema: Schema) => void>>;

/** The model types of hand-written models, by mirror property name. */
export interface HandWrittenModels {
  readonly Account: AccountModel;
  readonly Charge: ChargeModel;
  readonly Customer: CustomerModel;
  readonly Invoice: InvoiceModel;
  readonly PaymentMethod: PaymentMethodModel;
  readonly Subscription: SubscriptionModel;
}

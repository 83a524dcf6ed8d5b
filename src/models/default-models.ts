import { defaultMirror, type ModelOf } from './mirror.js';

/**
 * The models of the default mirror (mongoose's default connection), exported by name so the common case is one
 * import. Every other type is `defaultMirror().model('checkout.session')` or `defaultMirror().CheckoutSession`.
 *
 * ```ts
 * import { Customer } from 'stripe-mirror';
 * const customer = await Customer.findById('cus_123').populate('subscriptions');
 * ```
 */
const mirror = defaultMirror();

/** Model of every Stripe object, whatever its type (the base model, collection `stripe_objects`), on mongoose's default connection. */
export const StripeObject = mirror.StripeObject;
/** Model of the Stripe event log (collection `stripe_events`), on mongoose's default connection. */
export const Event = mirror.Event;
/** Model of Stripe Account objects (hand-written behaviour), on mongoose's default connection. */
export const Account = mirror.Account;
/** Model of Stripe `balance_transaction` objects, on mongoose's default connection. */
export const BalanceTransaction: ModelOf<'balance_transaction'> = mirror.BalanceTransaction;
/** Model of Stripe `bank_account` objects, on mongoose's default connection. */
export const BankAccount: ModelOf<'bank_account'> = mirror.BankAccount;
/** Model of Stripe `card` objects, on mongoose's default connection. */
export const Card: ModelOf<'card'> = mirror.Card;
/** Model of Stripe Charge objects (hand-written behaviour), on mongoose's default connection. */
export const Charge = mirror.Charge;
/** Model of Stripe `checkout.session` objects, on mongoose's default connection. */
export const CheckoutSession: ModelOf<'checkout.session'> = mirror.CheckoutSession;
/** Model of Stripe `coupon` objects, on mongoose's default connection. */
export const Coupon: ModelOf<'coupon'> = mirror.Coupon;
/** Model of Stripe `credit_note` objects, on mongoose's default connection. */
export const CreditNote: ModelOf<'credit_note'> = mirror.CreditNote;
/** Model of Stripe Customer objects (hand-written behaviour), on mongoose's default connection. */
export const Customer = mirror.Customer;
/** Model of Stripe `dispute` objects, on mongoose's default connection. */
export const Dispute: ModelOf<'dispute'> = mirror.Dispute;
/** Model of Stripe Invoice objects (hand-written behaviour), on mongoose's default connection. */
export const Invoice = mirror.Invoice;
/** Model of Stripe `invoiceitem` objects, on mongoose's default connection. */
export const InvoiceItem: ModelOf<'invoiceitem'> = mirror.InvoiceItem;
/** Model of Stripe `payment_intent` objects, on mongoose's default connection. */
export const PaymentIntent: ModelOf<'payment_intent'> = mirror.PaymentIntent;
/** Model of Stripe PaymentMethod objects (hand-written behaviour), on mongoose's default connection. */
export const PaymentMethod = mirror.PaymentMethod;
/** Model of Stripe `payout` objects, on mongoose's default connection. */
export const Payout: ModelOf<'payout'> = mirror.Payout;
/** Model of Stripe `plan` objects, on mongoose's default connection. */
export const Plan: ModelOf<'plan'> = mirror.Plan;
/** Model of Stripe `price` objects, on mongoose's default connection. */
export const Price: ModelOf<'price'> = mirror.Price;
/** Model of Stripe `product` objects, on mongoose's default connection. */
export const Product: ModelOf<'product'> = mirror.Product;
/** Model of Stripe `promotion_code` objects, on mongoose's default connection. */
export const PromotionCode: ModelOf<'promotion_code'> = mirror.PromotionCode;
/** Model of Stripe `refund` objects, on mongoose's default connection. */
export const Refund: ModelOf<'refund'> = mirror.Refund;
/** Model of Stripe `setup_intent` objects, on mongoose's default connection. */
export const SetupIntent: ModelOf<'setup_intent'> = mirror.SetupIntent;
/** Model of Stripe Subscription objects (hand-written behaviour), on mongoose's default connection. */
export const Subscription = mirror.Subscription;
/** Model of Stripe `subscription_item` objects, on mongoose's default connection. */
export const SubscriptionItem: ModelOf<'subscription_item'> = mirror.SubscriptionItem;
/** Model of Stripe `subscription_schedule` objects, on mongoose's default connection. */
export const SubscriptionSchedule: ModelOf<'subscription_schedule'> = mirror.SubscriptionSchedule;
/** Model of Stripe `tax_id` objects, on mongoose's default connection. */
export const TaxId: ModelOf<'tax_id'> = mirror.TaxId;
/** Model of Stripe `tax_rate` objects, on mongoose's default connection. */
export const TaxRate: ModelOf<'tax_rate'> = mirror.TaxRate;
/** Model of Stripe `transfer` objects, on mongoose's default connection. */
export const Transfer: ModelOf<'transfer'> = mirror.Transfer;

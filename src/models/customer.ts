import type { Model, Schema } from 'mongoose';
import type Stripe from 'stripe';
import { CUSTOMER_LINKS_COLLECTION, customerLinkId, USER_ID_METADATA_KEY, type CustomerLink } from './customer-link.js';
import { NoDefaultPaymentMethodError } from './errors.js';
import { mongooseModelName } from './names.js';
import type { SubscriptionDocument, SubscriptionModel } from './subscription.js';
import type { Stored, StripeDocument, StripeObjectModel } from './types.js';
import { asMirroredModel, callAndSync } from './write-through.js';

/** A stored customer. `subscriptions` is the relation (a virtual), not Stripe's optional expanded list. */
export type StoredCustomer = Omit<Stored<Stripe.Customer>, 'subscriptions'>;

/** Populated relations: `Customer.findById(id).populate('subscriptions')`. */
export interface CustomerVirtuals {
  subscriptions?: SubscriptionDocument[];
  charges?: StripeDocument[];
  invoices?: StripeDocument[];
  paymentMethods?: StripeDocument[];
}

/** Hand-written Customer methods. */
export interface CustomerMethods {
  /**
   * Whether the customer has an active (`active`/`trialing`, not ended) subscription, optionally one that includes
   * a price or product id (matched on current items and on the old top-level `plan`).
   */
  hasActiveSubscription(priceOrProduct?: string): Promise<boolean>;
  /**
   * Subscribes the customer to a recurring price (`POST /v1/subscriptions`) and mirrors the subscription and its
   * first invoice (`latest_invoice` is expanded, so it is stored as its own document). Without a trial Stripe charges
   * the default payment method at once; `params` takes every other create parameter.
   *
   * ```ts
   * const subscription = await customer.subscribe('price_pro', { trialPeriodDays: 14 });
   * ```
   */
  subscribe(priceId: string, options?: SubscribeOptions): Promise<SubscriptionDocument>;
  /**
   * A one-off payment: a PaymentIntent for `amount` (smallest currency unit) confirmed off-session with the
   * customer's default payment method (`invoice_settings.default_payment_method`, else `default_source`; read from
   * Stripe when the mirror has none), or `options.paymentMethod`. The PaymentIntent and its charge are mirrored; a
   * declined card is a `StripeApiError` (`raw.code === 'card_declined'`), no default at all a
   * `NoDefaultPaymentMethodError` before anything is sent.
   *
   * ```ts
   * const intent = await customer.charge(2500, 'eur', { description: 'Extra seats' });
   * ```
   */
  charge(amount: number, currency: string, options?: CustomerChargeOptions): Promise<PaymentIntentDocument>;
}

/** Options of `customer.subscribe()`. */
export interface SubscribeOptions {
  /** Quantity of the price (default 1). */
  quantity?: number;
  /** Days of trial before the first charge. */
  trialPeriodDays?: number;
  /** Any other create parameter, as Stripe names it (`default_payment_method`, `metadata`, `payment_behavior`, …). */
  params?: Omit<Stripe.SubscriptionCreateParams, 'customer' | 'items'>;
}

/** Options of `customer.charge()`. */
export interface CustomerChargeOptions {
  /** The payment method to charge instead of the customer's default. */
  paymentMethod?: string;
  description?: string;
  /**
   * Any other create parameter, as Stripe names it (`metadata`, `receipt_email`, `statement_descriptor`, …). Unless
   * it sets `allowed_payment_method_types`, `automatic_payment_methods` or `return_url`, only payment methods that need no
   * redirect are allowed (`automatic_payment_methods.allow_redirects: 'never'`), since nobody is there to follow one.
   */
  params?: Omit<Stripe.PaymentIntentCreateParams, 'amount' | 'currency' | 'customer' | 'payment_method' | 'confirm'>;
}

/** A stored PaymentIntent, as `customer.charge()` returns it. */
export type PaymentIntentDocument = StripeDocument<Stored<Stripe.PaymentIntent>>;

/** Options of `Customer.getOrCreateForUser`. */
export interface GetOrCreateForUserOptions {
  /** E-mail of the new customer. */
  email?: string;
  /** Connect account to create the customer in; default the platform. */
  stripeAccount?: string | null;
  /** More create parameters (name, address, …); `metadata` is merged with the user id key. */
  params?: Record<string, unknown>;
}

/** Hand-written Customer statics. */
export interface CustomerStatics {
  /**
   * The Stripe customer of an application user, created through the API when there is none (metadata
   * `stripe_mirror_user_id` = userId), as dj-stripe's subscriber link. Concurrent calls for one user converge on one
   * customer: the link's unique `_id` decides, and a customer created by a losing call is deleted in Stripe.
   *
   * ```ts
   * const customer = await Customer.getOrCreateForUser(user.id, { email: user.email });
   * ```
   */
  getOrCreateForUser(userId: string, options?: GetOrCreateForUserOptions): Promise<CustomerDocument>;
}

/** A hydrated customer document, relations available through `populate`. */
export type CustomerDocument = StripeDocument<StoredCustomer, CustomerMethods, CustomerVirtuals>;
/** The Customer model: `Customer.findById('cus_1').populate('subscriptions')`. */
export type CustomerModel = StripeObjectModel<StoredCustomer, CustomerMethods, CustomerVirtuals, CustomerStatics>;

/** Customer relation virtual -> [object type of the related documents, their field holding the customer id]. */
const RELATIONS = {
  subscriptions: ['subscription', 'customer'],
  charges: ['charge', 'customer'],
  invoices: ['invoice', 'customer'],
  paymentMethods: ['payment_method', 'customer'],
} as const;

/** Adds the hand-written Customer behaviour to its discriminator schema. */
export function defineCustomer(schema: Schema): void {
  for (const [name, [objectType, foreignField]] of Object.entries(RELATIONS)) {
    schema.virtual(name, { ref: mongooseModelName(objectType), localField: '_id', foreignField });
  }

  schema.method('hasActiveSubscription', async function hasActiveSubscription(this: CustomerDocument, priceOrProduct?: string) {
    const Subscription = this.db.model(mongooseModelName('subscription')) as unknown as SubscriptionModel;
    const filter: Record<string, unknown> = { customer: this._id, status: { $in: ['active', 'trialing'] } };
    if (priceOrProduct) {
      filter.$or = ['items.data.price.id', 'items.data.price.product', 'items.data.plan.id', 'items.data.plan.product', 'plan.id', 'plan.product'].map(
        (path) => ({ [path]: priceOrProduct }),
      );
    }
    const subscriptions = await Subscription.find(filter);
    return subscriptions.some((subscription) => subscription.isActive());
  });

  schema.method('subscribe', function subscribe(this: CustomerDocument, priceId: string, options: SubscribeOptions = {}) {
    const extra = options.params ?? {};
    const params: Stripe.SubscriptionCreateParams = {
      ...extra,
      customer: this._id,
      items: [{ price: priceId, ...(options.quantity !== undefined ? { quantity: options.quantity } : {}) }],
      ...(options.trialPeriodDays !== undefined ? { trial_period_days: options.trialPeriodDays } : {}),
      expand: [...new Set([...(extra.expand ?? []), 'latest_invoice'])],
    };
    return callAndSync<SubscriptionDocument>(relatedModel(this, 'subscription'), 'POST', '/v1/subscriptions', { ...params }, this.stripeAccount);
  });

  schema.method('charge', async function charge(this: CustomerDocument, amount: number, currency: string, options: CustomerChargeOptions = {}) {
    const paymentMethod = options.paymentMethod ?? defaultPaymentMethodOf(this) ?? defaultPaymentMethodOf(await this.refreshFromStripe());
    if (paymentMethod === null) throw new NoDefaultPaymentMethodError(this._id);
    const extra = options.params ?? {};
    const choosesMethods = extra.allowed_payment_method_types !== undefined || extra.automatic_payment_methods !== undefined || extra.return_url !== undefined;
    const params: Stripe.PaymentIntentCreateParams = {
      off_session: true,
      ...(choosesMethods ? {} : { automatic_payment_methods: { enabled: true, allow_redirects: 'never' } }),
      ...extra,
      amount,
      currency,
      customer: this._id,
      payment_method: paymentMethod,
      confirm: true,
      ...(options.description !== undefined ? { description: options.description } : {}),
      expand: [...new Set([...(extra.expand ?? []), 'latest_charge'])],
    };
    return callAndSync<PaymentIntentDocument>(relatedModel(this, 'payment_intent'), 'POST', '/v1/payment_intents', { ...params }, this.stripeAccount);
  });

  schema.static('getOrCreateForUser', async function getOrCreateForUser(this: Model<unknown>, userId: string, options: GetOrCreateForUserOptions = {}) {
    const customers = this as unknown as CustomerModel;
    const stripeAccount = options.stripeAccount ?? null;
    const links = this.db.collection<CustomerLink>(CUSTOMER_LINKS_COLLECTION);
    const linkId = customerLinkId(userId, stripeAccount);

    const linked = await links.findOne({ _id: linkId });
    if (linked) {
      const customer = await customers.findById(linked.customer);
      if (customer && !customer.deleted) return customer;
      if (!customer) return customers.retrieveFromStripe(linked.customer, { stripeAccount });
      await links.deleteOne({ _id: linkId, customer: linked.customer });
    }

    const byMetadata: Record<string, unknown> = { [`metadata.${USER_ID_METADATA_KEY}`]: userId, stripeAccount, deleted: { $ne: true } };
    const mirrored: CustomerDocument | null = await customers.findOne(byMetadata);
    const candidate = mirrored ?? (await createCustomer(customers, userId, options, stripeAccount));
    try {
      await links.insertOne({ _id: linkId, userId, customer: candidate._id, stripeAccount, createdAt: new Date() });
      return candidate;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
      const winner = await links.findOne({ _id: linkId });
      if (!winner || winner.customer === candidate._id) return candidate;
      if (!mirrored) await candidate.deleteInStripe();
      return (await customers.findById(winner.customer)) ?? customers.retrieveFromStripe(winner.customer, { stripeAccount });
    }
  });
}

/** The customer's default payment method as stored: `invoice_settings.default_payment_method`, else `default_source`. */
function defaultPaymentMethodOf(customer: CustomerDocument): string | null {
  const own = customer.invoice_settings?.default_payment_method ?? customer.default_source ?? null;
  return typeof own === 'string' && own !== '' ? own : null;
}

function relatedModel(customer: CustomerDocument, objectType: string) {
  return asMirroredModel(customer.db.model(mongooseModelName(objectType)));
}

async function createCustomer(
  model: CustomerModel,
  userId: string,
  options: GetOrCreateForUserOptions,
  stripeAccount: string | null,
): Promise<CustomerDocument> {
  const extra = options.params ?? {};
  const metadata = { ...(typeof extra.metadata === 'object' ? extra.metadata : {}), [USER_ID_METADATA_KEY]: userId };
  const params = { ...extra, ...(options.email ? { email: options.email } : {}), metadata };
  return callAndSync<CustomerDocument>(asMirroredModel(model), 'POST', '/v1/customers', params, stripeAccount);
}

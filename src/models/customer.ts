import type { Model, Schema } from 'mongoose';
import type Stripe from 'stripe';
import { CUSTOMER_LINKS_COLLECTION, customerLinkId, USER_ID_METADATA_KEY, type CustomerLink } from './customer-link.js';
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
}

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

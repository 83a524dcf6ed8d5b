import { Schema } from 'mongoose';

/** Collection linking application users to Stripe customers. */
export const CUSTOMER_LINKS_COLLECTION = 'stripe_customer_links';
/** Metadata key set on customers created for an application user. */
export const USER_ID_METADATA_KEY = 'stripe_mirror_user_id';

/** One link: `_id` is `<account or 'platform'>:<userId>`, unique by construction. */
export interface CustomerLink {
  _id: string;
  userId: string;
  customer: string;
  stripeAccount: string | null;
  createdAt: Date;
}

/**
 * Schema of the user -> customer links behind `Customer.getOrCreateForUser` (dj-stripe's "subscriber"). Kept apart
 * from `stripe_objects` on purpose: a unique index there could make the mirror refuse Stripe's own data (two
 * customers with the same user metadata), while the link's `_id` makes concurrent calls converge on one customer.
 */
export function customerLinkSchema(): Schema<CustomerLink> {
  return new Schema<CustomerLink>(
    {
      _id: { type: String, required: true },
      userId: { type: String, required: true },
      customer: { type: String, required: true, index: true },
      stripeAccount: { type: String, default: null },
      createdAt: { type: Date, default: () => new Date() },
    },
    { collection: CUSTOMER_LINKS_COLLECTION, versionKey: false },
  );
}

/** The link `_id` for a user in an account. */
export function customerLinkId(userId: string, stripeAccount: string | null): string {
  return `${stripeAccount ?? 'platform'}:${userId}`;
}

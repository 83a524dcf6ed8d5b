import { Schema } from 'mongoose';
import { STRIPE_SCHEMA_OPTIONS, stripeObjectPlugin } from './plugin.js';

/** Collection of every mirrored Stripe object, whatever its type. */
export const STRIPE_OBJECTS_COLLECTION = 'stripe_objects';

/**
 * Schema of the base model `StripeObject`: one collection for all types, discriminated by Stripe's own `object`
 * field, so `StripeObject.findById('cus_123')` hydrates a Customer and unknown types are still stored.
 *
 * ```ts
 * const StripeObject = connection.model('StripeObject', stripeObjectSchema());
 * ```
 */
export function stripeObjectSchema(): Schema {
  const schema = new Schema({}, { ...STRIPE_SCHEMA_OPTIONS, discriminatorKey: 'object', collection: STRIPE_OBJECTS_COLLECTION });
  schema.plugin(stripeObjectPlugin);
  return schema;
}

/** Schema a discriminator starts from: no fields of its own (the base supplies them), the same read options. */
export function discriminatorSchema(): Schema {
  return new Schema({}, { ...STRIPE_SCHEMA_OPTIONS, discriminatorKey: 'object' });
}

import { OBJECT_TYPES } from './generated/object-types.js';

/**
 * The mongoose model name of an object type: the table's name with a `Stripe` prefix (`StripeCustomer`), so the
 * mirror's models never collide with an application's own `Customer` model on the same connection.
 *
 * ```ts
 * connection.model(mongooseModelName('checkout.session')); // StripeCheckoutSession
 * ```
 */
export function mongooseModelName(objectType: string): string {
  const info = OBJECT_TYPES[objectType];
  if (!info) throw new RangeError(`unknown Stripe object type '${objectType}'`);
  return `Stripe${info.modelName}`;
}

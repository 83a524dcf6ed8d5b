import type { Connection } from 'mongoose';
import { OBJECT_TYPES, STRIPE_OBJECT_TYPES } from './generated/object-types.js';
import { lazyModel } from './lazy-model.js';
import type Stripe from 'stripe';
import type { StripeObjectLike, SyncContext, SyncReport } from '../sync/index.js';
import type { StripeObjectModel } from './types.js';

/**
 * The mirror on mongoose's default connection, with nothing registered on the connection until first use. Its
 * models are {@link lazyModel} stand-ins, so the package's top-level `Customer`, `StripeObject`, … (which are this
 * mirror's models) exist at import time without defining ~85 models on an app that never uses them; the first static
 * call, `new`, `sync()` or `stripe()` builds the real mirror once. Identity holds as with a built mirror:
 *
 * ```ts
 * import { Customer, defaultMirror } from 'stripe-mirror';
 * mongoose.connection.modelNames(); // [] — importing registered nothing
 * defaultMirror().model('customer') === Customer; // true; Customer.findById(...) now builds the models
 * ```
 */
/** What {@link lazyMirror} forwards to the built mirror itself (its models are reached by key). */
interface MirrorCore {
  stripe(): Stripe;
  sync(objects: StripeObjectLike | readonly StripeObjectLike[], context?: SyncContext): Promise<SyncReport>;
}

export function lazyMirror<M extends MirrorCore>(connection: Connection, build: () => M): M {
  let built: M | undefined;
  const real = (): M => {
    if (built) return built;
    built = build();
    // Resolve every stand-in now, not only the one used first: a query on one model returns documents of others
    // (the base model hydrates discriminators), and each must already name its stand-in as its constructor.
    for (const model of Object.values(models)) Reflect.get(model, 'modelName');
    return built;
  };
  const byKey = (key: string): StripeObjectModel => (real() as unknown as Record<string, StripeObjectModel>)[key] as StripeObjectModel;
  const models: Record<string, StripeObjectModel> = {};
  for (const key of modelKeys()) models[key] = lazyModel(() => byKey(key));
  const StripeObject = models.StripeObject as StripeObjectModel;
  const handle = {
    connection,
    model: (objectType: string) => models[modelKeyOf(objectType)] ?? StripeObject,
    stripe: () => real().stripe(),
    sync: (...args: Parameters<MirrorCore['sync']>) => real().sync(...args),
  };
  return Object.freeze({ ...models, ...handle }) as unknown as M;
}

/** The key of an object type's model on a mirror, as `buildMirror` names it (`'checkout.session'` → `CheckoutSession`). */
function modelKeyOf(objectType: string): string {
  if (objectType === 'event') return 'Event';
  return (STRIPE_OBJECT_TYPES as readonly string[]).includes(objectType)
    ? (OBJECT_TYPES as Partial<Record<string, { modelName: string }>>)[objectType]?.modelName ?? objectType
    : 'StripeObject';
}

function modelKeys(): string[] {
  return ['StripeObject', ...STRIPE_OBJECT_TYPES.map(modelKeyOf)];
}

import mongoose, { type Connection } from 'mongoose';
import type Stripe from 'stripe';
import { SyncBatcher, type StripeObjectLike, type SyncContext, type SyncReport } from '../sync/index.js';
import { discriminatorSchema, stripeObjectSchema } from './base.js';
import { customerLinkSchema } from './customer-link.js';
import { eventSchema, type StripeEventModel } from './event.js';
import { expandableFields } from './expandable.js';
import { OBJECT_TYPES, STRIPE_OBJECT_TYPES, type ObjectTypeTable, type StripeObjectType, type StripeObjectTypeMap } from './generated/object-types.js';
import { HAND_WRITTEN, type HandWrittenModels } from './hand-written.js';
import { lazyMirror } from './lazy-mirror.js';
import { mongooseModelName } from './names.js';
import { runtimeOf, stripeClientOf } from './registry.js';
import type { Stored, StripeObjectModel } from './types.js';
import { setStripeObjectType } from './write-through.js';

/** The model of an object type without hand-written behaviour: `ModelOf<'checkout.session'>`. */
export type ModelOf<K extends StripeObjectType> = StripeObjectModel<Stored<StripeObjectTypeMap[K]>>;

/** The typed model of every generated object type, keyed by model name (`CheckoutSession`, `TaxRate`, …). */
export type GeneratedModels = {
  readonly [K in Exclude<StripeObjectType, 'event'> as ObjectTypeTable[K]['modelName']]: ModelOf<K>;
};

/** Options of {@link createStripeMirror}. */
export interface StripeMirrorOptions {
  /** Connection to define the models on; default mongoose's default connection. */
  connection?: Connection;
  /** Stripe client for the write-through API; can be set later with `configureStripeMirror` (default mirror). */
  stripe?: Stripe;
}

/** Models on one connection plus the one write path. See docs/ARCHITECTURE.md, "The mirror handle". */
export type StripeMirror = Omit<GeneratedModels, keyof HandWrittenModels> &
  HandWrittenModels & {
    readonly connection: Connection;
    /** Base model, collection `stripe_objects`. */
    readonly StripeObject: StripeObjectModel;
    /** Event log, collection `stripe_events`. */
    readonly Event: StripeEventModel;
    /** The model of an object type; the base model for a type the mirror does not know (still stored). */
    model(objectType: string): StripeObjectModel;
    /** The configured Stripe client; throws StripeNotConfiguredError ('stripe_not_configured') when none. */
    stripe(): Stripe;
    /**
     * Upserts objects (and everything expanded in them) into `stripe_objects`: the one write path. Concurrent calls
     * share one command (group commit, see `SyncBatcher`).
     */
    sync(objects: StripeObjectLike | readonly StripeObjectLike[], context?: SyncContext): Promise<SyncReport>;
  };

const mirrors = new WeakMap<Connection, StripeMirror>();

/**
 * The mirror's models on a connection (created once per connection; later calls return the same mirror and may
 * set its Stripe client).
 *
 * ```ts
 * const mirror = createStripeMirror({ connection: mongoose.createConnection(uri), stripe: new Stripe(key) });
 * await mirror.Customer.findById('cus_123').populate('subscriptions');
 * ```
 */
export function createStripeMirror(options: StripeMirrorOptions = {}): StripeMirror {
  const connection = options.connection ?? mongoose.connection;
  if (options.stripe) runtimeOf(connection).stripe = options.stripe;
  const existing = mirrors.get(connection);
  if (existing) return existing;
  // The default connection's mirror exists from import time (the package's exported models are its models), so it is
  // lazy: nothing is registered on mongoose's default connection until an app uses it. An app's own connection asked
  // for its mirror explicitly, so that mirror is built at once.
  const mirror = connection === mongoose.connection ? lazyMirror(connection, () => buildMirror(connection)) : buildMirror(connection);
  mirrors.set(connection, mirror);
  return mirror;
}

/**
 * The mirror on mongoose's default connection: what the package's top-level `Customer`, `StripeObject`, … are.
 * Its models are created on first use (see `lazyMirror`), so importing the package registers nothing.
 *
 * ```ts
 * await defaultMirror().sync(event.data.object, { watermark: event.created, source: 'webhook' });
 * ```
 */
export function defaultMirror(): StripeMirror {
  return createStripeMirror();
}

/**
 * Sets the Stripe client of the default mirror (used by `retrieveFromStripe`, `cancel()`, …).
 *
 * ```ts
 * configureStripeMirror({ stripe: new Stripe(process.env.STRIPE_SECRET_KEY!) });
 * ```
 */
export function configureStripeMirror(options: { stripe: Stripe }): void {
  createStripeMirror({ stripe: options.stripe });
}

function buildMirror(connection: Connection): StripeMirror {
  const StripeObject = connection.model('StripeObject', stripeObjectSchema()) as unknown as StripeObjectModel;
  const Event = connection.model('StripeEvent', eventSchema()) as unknown as StripeEventModel;
  connection.model('StripeCustomerLink', customerLinkSchema());

  const byType = new Map<string, StripeObjectModel>([['event', Event as unknown as StripeObjectModel]]);
  const models: Record<string, StripeObjectModel> = {};
  for (const objectType of STRIPE_OBJECT_TYPES) {
    if (objectType === 'event') continue;
    const schema = discriminatorSchema();
    setStripeObjectType(schema, objectType);
    const handWritten: ((schema: mongoose.Schema) => void) | undefined = (HAND_WRITTEN as Partial<Record<string, (s: mongoose.Schema) => void>>)[objectType];
    handWritten?.(schema);
    const model = StripeObject.discriminator(mongooseModelName(objectType), schema, { value: objectType }) as unknown as StripeObjectModel;
    byType.set(objectType, model);
    models[OBJECT_TYPES[objectType]?.modelName ?? objectType] = model;
  }

  const writes = new SyncBatcher(StripeObject.collection, { expandableFields }, () =>
    connection.readyState === 1 && connection.db
      ? { client: connection.getClient(), namespace: `${connection.db.databaseName}.${StripeObject.collection.collectionName}` }
      : undefined,
  );
  const handle = {
    connection,
    StripeObject,
    Event,
    model: (objectType: string) => byType.get(objectType) ?? StripeObject,
    stripe: () => stripeClientOf(connection),
    sync: (objects: StripeObjectLike | readonly StripeObjectLike[], context: SyncContext = {}) =>
      writes.sync([objects].flat(), context),
  };
  // The generated table guarantees one model per model name; the mapped type states the same thing per key.
  return Object.freeze({ ...models, ...handle }) as unknown as StripeMirror;
}

import { Schema, type Model } from 'mongoose';
import { executeStripeWrites, planStripeWrites, syncStripeObjects } from '../sync/index.js';
import type { PlannedWrite, StripeObjectLike, SyncContext, SyncEngineOptions, SyncReport } from '../sync/index.js';
import { InvalidStripeObjectError } from './errors.js';
import { expandableFields } from './expandable.js';
import type { StoredStripeObject } from './types.js';
import { addWriteThrough } from './write-through.js';

/** Relation fields indexed on every mirrored collection (scoped by type), for `Customer` relations and lookups. */
const RELATION_INDEXES = ['customer', 'subscription', 'invoice', 'charge', 'payment_intent', 'product'] as const;

/** Schema options every mirrored schema needs: Stripe's fields read back as sent, nothing mongoose-specific added. */
export const STRIPE_SCHEMA_OPTIONS = {
  _id: false,
  id: false,
  strict: false,
  strictQuery: false,
  versionKey: false,
  minimize: false,
} as const;

/** Options of {@link stripeObjectPlugin}. */
export interface StripeObjectPluginOptions {
  /**
   * Expandable paths per object type (default: the generated table plus legacy paths). The event log passes
   * `() => []` so nothing nested in an event is split out into `stripe_events`.
   */
  expandableFields?: SyncEngineOptions['expandableFields'];
  /** Add the relation indexes (`customer`, `subscription`, …). Default true. */
  relationIndexes?: boolean;
}

/**
 * The fields, indexes and statics every mirrored Stripe object shares (see docs/ARCHITECTURE.md, "Document layout"):
 * `_id` = Stripe id, `metadata` stored as sent (keys with `.` or `$` intact), `stripeAccount`, `_mirror` bookkeeping,
 * `syncFromStripeData` / `syncManyFromStripeData` and the write-through API. Writes go through the sync engine
 * (the driver's bulkWrite), never through mongoose casting; mongoose only reads.
 *
 * ```ts
 * const schema = new Schema({}, STRIPE_SCHEMA_OPTIONS);
 * schema.plugin(stripeObjectPlugin);
 * ```
 */
export function stripeObjectPlugin(schema: Schema, options: StripeObjectPluginOptions = {}): void {
  schema.add({
    _id: { type: String, required: true },
    id: String,
    object: { type: String, required: true },
    livemode: Boolean,
    metadata: Schema.Types.Mixed,
    created: Number,
    deleted: Boolean,
    stripeAccount: { type: String, default: null },
    _mirror: {
      watermark: Number,
      rank: Number,
      syncedAt: Date,
      source: String,
      sourceId: String,
      apiVersion: String,
      deletedAt: Date,
    },
  });
  schema.index({ stripeAccount: 1, object: 1, created: -1 });
  if (options.relationIndexes !== false) {
    for (const field of RELATION_INDEXES) schema.index({ [field]: 1, object: 1 }, { sparse: true });
  }
  const engine: SyncEngineOptions = { expandableFields: options.expandableFields ?? expandableFields };

  schema.static('syncFromStripeData', async function syncFromStripeData(
    this: Model<StoredStripeObject>,
    data: StripeObjectLike,
    context: SyncContext = {},
  ) {
    const id = rootId(data);
    const writes = planStripeWrites([data], context, engine);
    const report = await executeStripeWrites(this.collection, writes, context.session ? { session: context.session } : {});
    const root = writes.find((write) => write.id === id);
    if (report.stale === 0 && root && !root.tombstone) return this.hydrate(writtenDocument(root));
    const stored = await this.findById(id).session(context.session ?? null);
    if (!stored) throw new InvalidStripeObjectError(`object ${id} was not stored`);
    return stored;
  });

  schema.static('syncManyFromStripeData', function syncManyFromStripeData(
    this: Model<StoredStripeObject>,
    objects: readonly StripeObjectLike[],
    context: SyncContext = {},
  ): Promise<SyncReport> {
    return syncStripeObjects(this.collection, objects, context, engine);
  });

  addWriteThrough(schema);
}

function rootId(data: StripeObjectLike): string {
  if (typeof data !== 'object' || data === null || typeof data.object !== 'string') {
    throw new InvalidStripeObjectError('expected an object with a string `object` field');
  }
  if (typeof data.id !== 'string' || data.id === '') {
    throw new InvalidStripeObjectError(`a '${data.object}' without an id cannot be stored as its own document`);
  }
  return data.id;
}

/** The document a planned write stored: its fields with `_mirror.*` paths folded back into `_mirror`. */
function writtenDocument(write: PlannedWrite): Record<string, unknown> {
  const { set } = write;
  const document: Record<string, unknown> = { _id: write.id };
  const mirror: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(set)) {
    if (key.startsWith('_mirror.')) mirror[key.slice('_mirror.'.length)] = value;
    else document[key] = value;
  }
  document._mirror = mirror;
  return document;
}

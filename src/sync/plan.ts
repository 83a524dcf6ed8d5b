import type { Document } from 'mongodb';
import { SyncInputError } from './errors.js';
import { extractDocuments } from './extract.js';
import { conditionalUpdate, replacementUpdate, type Guard } from './conditional.js';
import { rankOf } from './rank.js';
import type { PlainObject, SyncContext, SyncEngineOptions } from './types.js';

/** One guarded upsert of the document `id`: `updateOne(filter, update, { upsert: true })`. */
export interface PlannedWrite {
  readonly id: string;
  readonly tombstone: boolean;
  readonly filter: Document;
  /** `{ $set }` for a tombstone (merged over what is stored), else the replacement pipeline of `replacementUpdate`. */
  readonly update: Document | Document[];
  /** What the write stores: the Stripe fields, `stripeAccount` and the `_mirror.*` paths (as `$set` paths). */
  readonly set: PlainObject;
  /**
   * The same write as an update pipeline for `updateOne({ _id }, conditional, { upsert: true })`, which never raises
   * E11000: it applies when the guard passes and leaves the stored document as it is otherwise (a stale write is
   * then matched but not modified). One ordered command can carry such writes and others (MongoDB 8's `bulkWrite`
   * across collections). Built on first use.
   */
  readonly conditional: Document[];
  /**
   * The whole document as the upsert would store it when `id` is not stored yet, set when the call expects new
   * documents (`context.expectNew`) and the write may be a plain insert: not a tombstone, not a type sharing ids.
   */
  readonly document?: Document;
}

/**
 * Types whose objects share their id with an object of another type: Stripe gives a legacy plan the id of the price
 * behind it, and embeds both in every subscription item. The mirror keeps one document per id and the canonical
 * type wins: a plan never overwrites its price (its write is stale), a price always replaces its plan, and removes
 * the fields only the plan has. Adding a pair is one line.
 */
export const SHARED_ID_TYPES = {
  plan: {
    canonical: 'price',
    ownFields: [
      'aggregate_usage', 'amount', 'amount_decimal', 'interval', 'interval_count', 'meter', 'transform_usage',
      'trial_period_days', 'usage_type',
    ],
  },
} as const satisfies Record<string, { canonical: string; ownFields: readonly string[] }>;

type AliasType = keyof typeof SHARED_ID_TYPES;

const aliasOf = new Map<string, { alias: AliasType; ownFields: readonly string[] }>(
  Object.entries(SHARED_ID_TYPES).map(([alias, { canonical, ownFields }]) => [canonical, { alias: alias as AliasType, ownFields }]),
);

function canonicalOf(objectType: string): string | undefined {
  return Object.hasOwn(SHARED_ID_TYPES, objectType) ? SHARED_ID_TYPES[objectType as AliasType].canonical : undefined;
}

export const DEFAULT_MAX_DEPTH = 8;
export const DEFAULT_MAX_OBJECTS = 10_000;

/**
 * Turns Stripe objects into guarded upserts, one per document (objects passed and every Stripe object nested in
 * them, see {@link extractDocuments}), deduplicated by `_id`: the version with the highest rank wins, a tie goes to
 * the later one in input order. Validates everything first, so invalid input throws {@link SyncInputError} before
 * any write exists.
 *
 * Each write is
 * ```js
 * updateOne({ _id, $or: [{ '_mirror.watermark': { $lt: w } }, { '_mirror.watermark': w, '_mirror.rank': { $lte: r } },
 *                        { '_mirror.watermark': { $exists: false } }] },
 *           [{ $replaceWith: { _id, ...{ $literal: <the Stripe fields>, stripeAccount }, deleted if stored, _mirror merged } }],
 *           { upsert: true })
 * ```
 * The new version replaces the stored one (see `replacementUpdate`): a field an older version had and the newer one
 * lacks is gone, so a document is exactly its newest version. Values are `$literal`, so nested keys (metadata `a.b`,
 * `$where`) are stored as plain data. `_mirror` is merged field by field so a tombstone's `_mirror.deletedAt`
 * survives later writes, and `deleted: true` survives too: a tombstone stays one. A tombstone itself `$set`s only the
 * fields its payload has plus `deleted: true`, so a `{ id, object, deleted }` stub keeps the stored fields.
 */
export function planStripeWrites(
  objects: readonly unknown[],
  context: SyncContext,
  options: Pick<SyncEngineOptions, 'expandableFields' | 'maxDepth' | 'maxObjects'>,
): PlannedWrite[] {
  const watermark = context.watermark ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(watermark)) {
    throw new SyncInputError('context.watermark', `expected unix seconds, got ${String(watermark)}`);
  }
  const documents = extractDocuments(objects, context.deleted === true, {
    expandableFields: options.expandableFields,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxObjects: options.maxObjects ?? DEFAULT_MAX_OBJECTS,
  });

  const winners = new Map<string, { objectType: string; fields: PlainObject; rank: number; tombstone: boolean }>();
  for (const document of documents) {
    const rank = rankOf(document.objectType, document.fields, document.tombstone);
    const current = winners.get(document.id);
    if (!current || takesPrecedence(document.objectType, rank, current)) winners.set(document.id, { ...document, rank });
  }

  const now = new Date();
  const mirror: Mirror = {
    stripeAccount: context.stripeAccount ?? null,
    watermark,
    syncedAt: now,
    source: context.source ?? 'manual',
    sourceId: context.sourceId ?? null,
    apiVersion: context.apiVersion ?? null,
  };
  const expectNew = context.expectNew === true;
  return [...winners].map(([id, { objectType, fields, rank, tombstone }]) => {
    if (expectNew && !tombstone && !canonicalOf(objectType) && !aliasOf.has(objectType)) {
      return insertFirst(id, documentOf(id, fields, mirror, rank), watermark, rank);
    }
    const set = setOf(fields, tombstone, mirror, rank);
    const guard: Guard = { watermark, rank, tombstone, notObject: canonicalOf(objectType), orObject: undefined, drop: [] };
    const filter = guardFilter(id, watermark, rank);
    const update = (): Document | Document[] => (tombstone ? { $set: set } : replacementUpdate(set));
    if (guard.notObject) {
      return new GuardedWrite({ id, tombstone, filter: { ...filter, object: { $ne: guard.notObject } } }, set, update, guard);
    }
    const alias = aliasOf.get(objectType);
    if (!alias) return new GuardedWrite({ id, tombstone, filter }, set, update, guard);
    const unset = Object.fromEntries(alias.ownFields.filter((f) => !Object.hasOwn(set, f)).map((f) => [f, '']));
    const aliasFilter = { _id: id, $or: [...(filter.$or as Document[]), { object: alias.alias }] };
    const aliasUpdate = (): Document | Document[] => (tombstone ? { $set: set, $unset: unset } : update());
    return new GuardedWrite({ id, tombstone, filter: aliasFilter }, set, aliasUpdate, { ...guard, orObject: alias.alias, drop: Object.keys(unset) });
  });
}

/** Within one call: a canonical type beats its alias whatever the rank; otherwise the higher or later rank wins. */
function takesPrecedence(objectType: string, rank: number, current: { objectType: string; rank: number }): boolean {
  if (current.objectType !== objectType) {
    if (canonicalOf(objectType) === current.objectType) return false;
    if (canonicalOf(current.objectType) === objectType) return true;
  }
  return rank >= current.rank;
}

/** Matches the stored document only when the new version is not older: the ordering guard. */
export function guardFilter(id: string, watermark: number, rank: number): Document {
  return {
    _id: id,
    $or: [
      { '_mirror.watermark': { $lt: watermark } },
      { '_mirror.watermark': watermark, '_mirror.rank': { $lte: rank } },
      { '_mirror.watermark': { $exists: false } },
    ],
  };
}

/** The bookkeeping every write of one call stores next to the Stripe fields. */
interface Mirror {
  readonly stripeAccount: string | null;
  readonly watermark: number;
  readonly syncedAt: Date;
  readonly source: string;
  readonly sourceId: string | null;
  readonly apiVersion: string | null;
}

/**
 * The `$set` of one write: the Stripe fields, then the bookkeeping paths, built as one object literal (the fastest
 * copy V8 makes; this runs for every document of every webhook), never touching `fields`, which may be the caller's
 * object. A tombstone says `deleted: true`; any other write never writes `deleted`.
 */
function setOf(fields: PlainObject, tombstone: boolean, mirror: Mirror, rank: number): PlainObject {
  const set: PlainObject = {
    ...(!tombstone && Object.hasOwn(fields, 'deleted') ? withoutDeleted(fields) : fields),
    stripeAccount: mirror.stripeAccount,
    '_mirror.watermark': mirror.watermark,
    '_mirror.syncedAt': mirror.syncedAt,
    '_mirror.source': mirror.source,
    '_mirror.sourceId': mirror.sourceId,
    '_mirror.apiVersion': mirror.apiVersion,
    '_mirror.rank': rank,
  };
  if (tombstone) {
    set.deleted = true;
    set['_mirror.deletedAt'] = mirror.syncedAt;
  }
  return set;
}

/**
 * The document a new object is stored as: exactly what {@link setOf}'s upsert would create (`_id`, the Stripe fields,
 * `stripeAccount`, `_mirror`), built once. The guarded upsert it falls back to when the id turns out to be stored is
 * derived from it only then, so a batch of new objects never builds its `$set`s.
 */
function documentOf(id: string, fields: PlainObject, mirror: Mirror, rank: number): PlainObject {
  return {
    _id: id,
    ...(Object.hasOwn(fields, 'deleted') ? withoutDeleted(fields) : fields),
    stripeAccount: mirror.stripeAccount,
    _mirror: {
      watermark: mirror.watermark,
      syncedAt: mirror.syncedAt,
      source: mirror.source,
      sourceId: mirror.sourceId,
      apiVersion: mirror.apiVersion,
      rank,
    },
  };
}

function insertFirst(id: string, document: PlainObject, watermark: number, rank: number): PlannedWrite {
  let filter: Document | undefined;
  let update: Document[] | undefined;
  let conditional: Document[] | undefined;
  let set: PlainObject | undefined;
  return {
    id,
    tombstone: false,
    document,
    get set() {
      return (set ??= setFromDocument(document));
    },
    get filter() {
      return (filter ??= guardFilter(id, watermark, rank));
    },
    get update() {
      return (update ??= replacementUpdate(this.set));
    },
    get conditional() {
      const guard: Guard = { watermark, rank, tombstone: false, notObject: undefined, orObject: undefined, drop: [] };
      return (conditional ??= conditionalUpdate(this.set, guard));
    },
  };
}

/**
 * A guarded write whose two update forms (the guarded upsert's `update`, the `conditional` pipeline) are built on first
 * use: a command sends one of them, never both. A class, so the lazy getters live on the prototype: this is built for
 * every document of every webhook.
 */
class GuardedWrite implements PlannedWrite {
  readonly id: string;
  readonly tombstone: boolean;
  readonly filter: Document;
  readonly set: PlainObject;
  readonly #buildUpdate: () => Document | Document[];
  readonly #guard: Guard;
  #update: Document | Document[] | undefined;
  #conditional: Document[] | undefined;

  constructor(write: Pick<PlannedWrite, 'id' | 'tombstone' | 'filter'>, set: PlainObject, buildUpdate: () => Document | Document[], guard: Guard) {
    this.id = write.id;
    this.tombstone = write.tombstone;
    this.filter = write.filter;
    this.set = set;
    this.#buildUpdate = buildUpdate;
    this.#guard = guard;
  }

  get update(): Document | Document[] {
    return (this.#update ??= this.#buildUpdate());
  }

  get conditional(): Document[] {
    return (this.#conditional ??= conditionalUpdate(this.set, this.#guard));
  }
}

/** The `$set` of {@link setOf} again, from a document of {@link documentOf}: its fields, `_mirror` as paths. */
function setFromDocument(document: PlainObject): PlainObject {
  const { _id: _ignored, _mirror, ...set } = document;
  for (const [key, value] of Object.entries(_mirror as PlainObject)) set[`_mirror.${key}`] = value;
  return set;
}

function withoutDeleted(fields: PlainObject): PlainObject {
  const { deleted: _ignored, ...rest } = fields;
  return rest;
}

import type { ClientSession, Document } from 'mongodb';

/**
 * The least the sync engine needs to know about a Stripe object: its type in `object` and (for anything stored) its
 * `id`. Every `Stripe.*` resource type fits, as does a parsed webhook `data.object`:
 *
 * ```ts
 * const customer: StripeObjectLike = await stripe.customers.retrieve('cus_123');
 * ```
 */
export interface StripeObjectLike {
  id?: string;
  object: string;
  [field: string]: unknown;
}

/** Where a write came from; stored as `_mirror.source` (`reconcile`: a repair of drift found by `reconcile()`). */
export type SyncSource = 'webhook' | 'api' | 'backfill' | 'replay' | 'manual' | 'reconcile';

/**
 * Facts about one sync call, shared by every document it writes (the objects passed and everything nested in them).
 *
 * ```ts
 * await syncStripeObjects(collection, [event.data.object], {
 *   watermark: event.created, source: 'webhook', sourceId: event.id,
 *   stripeAccount: event.account ?? null, apiVersion: event.api_version, deleted: event.type.endsWith('.deleted'),
 * }, options);
 * ```
 */
export interface SyncContext {
  /** Unix seconds ordering this data: the event's `created` for webhooks. Default: now (the fetch time). */
  watermark?: number;
  /** Default `'manual'`. */
  source?: SyncSource;
  /** The event id for webhook/replay data. Default null. */
  sourceId?: string | null;
  /** The owning Connect account, stored on every document of the call. Default null (the platform). */
  stripeAccount?: string | null;
  /** The API version the payload was rendered in. Default null. */
  apiVersion?: string | null;
  /** Tombstone the objects passed (not the objects nested in them), as `*.deleted` events require. */
  deleted?: boolean;
  /**
   * Most documents of this call are not stored yet (a first backfill): each is sent as a plain insert, and only
   * those that turn out to be stored are retried as guarded upserts. An insert costs the database far less than an
   * upsert; a stored document costs one more round trip. The result and the ordering guarantees are the same.
   * Default false.
   */
  expectNew?: boolean;
  /** Run the writes in this session (a transaction, for example). */
  session?: ClientSession;
  /**
   * One more write, into another collection, that must land only after every write of this call: where the server
   * runs MongoDB 8's `bulkWrite` across collections, it rides in the same ordered command (the webhook pipeline's
   * record of the event: one command per delivery). Elsewhere it is not written, and `report.companion` stays
   * unset, so the caller writes it itself. Ignored with a `session`. A function, called only when the companion is
   * sent, so a server without that command never pays for building it.
   */
  companion?: () => CompanionWrite;
}

/** An upsert by pipeline into another collection, for {@link SyncContext.companion}: it must never raise E11000. */
export interface CompanionWrite {
  /** `db.collection`. */
  readonly namespace: string;
  readonly filter: Document;
  readonly update: Document[];
}

/**
 * What one sync call did. `ids` lists every document of the call (objects passed and nested ones), stale or not,
 * in first-seen order.
 */
export interface SyncReport {
  upserted: number;
  modified: number;
  stale: number;
  ids: string[];
  /** Set when the call's {@link SyncContext.companion} was written with it: `written` (upserted or modified) or `unchanged`. */
  companion?: 'written' | 'unchanged';
}

/**
 * How the engine treats a payload. `expandableFields` names, per object type, the dotted paths where Stripe may
 * send an expanded object instead of its id (the models' generated type table supplies it).
 *
 * ```ts
 * { expandableFields: (type) => OBJECT_TYPES[type]?.expandable ?? [] }
 * ```
 */
export interface SyncEngineOptions {
  expandableFields: (objectType: string) => readonly string[];
  /** Write models per `bulkWrite` round trip. Default 1,000. */
  batchSize?: number;
  /** How deep documents may nest inside one another (the object passed is level 0). Default 8. */
  maxDepth?: number;
  /** How many documents (objects passed plus nested ones) one call may write. Default 10,000. */
  maxObjects?: number;
}

/** A plain JSON-like object: what Stripe payloads are made of. */
export type PlainObject = Record<string, unknown>;

/**
 * One document to write, as planned from the payload: its Stripe fields (expanded objects already replaced by ids),
 * its place in the ordering (`watermark`, `rank`) and whether it is a tombstone.
 */
export interface PlannedDocument {
  readonly id: string;
  readonly objectType: string;
  readonly fields: PlainObject;
  readonly watermark: number;
  readonly rank: number;
  readonly tombstone: boolean;
}

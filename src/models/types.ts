import type { HydratedDocument, Model } from 'mongoose';
import type { StripeObjectLike, SyncContext, SyncReport, SyncSource } from '../sync/index.js';

/** Bookkeeping stored under `_mirror` on every document (see docs/ARCHITECTURE.md, "Document layout"). */
export interface MirrorBookkeeping {
  watermark: number;
  rank: number;
  syncedAt: Date;
  source: SyncSource;
  sourceId: string | null;
  apiVersion: string | null;
  deletedAt?: Date;
}

/** Fields the mirror adds beside Stripe's own. */
export interface MirrorFields {
  _id: string;
  /** Owning Connect account, `null` for the platform. */
  stripeAccount: string | null;
  /** Only on tombstones. */
  deleted?: boolean;
  _mirror?: MirrorBookkeeping;
}

type StripeRef = { readonly object: string };
type UnexpandedArray<F> = F extends readonly (infer E)[] ? Array<Unexpanded<E>> : F;

/** `string | Stripe.Customer | null` -> `string | null`: the mirror stores expanded objects as their id. */
export type Unexpanded<F> = string extends F ? Exclude<F, StripeRef> : UnexpandedArray<F>;

/**
 * A Stripe type as stored: top-level expandable fields (and arrays of them) narrowed to ids, plus the mirror's fields
 * (which replace Stripe's `deleted?: void` marker of live objects).
 *
 * ```ts
 * type StoredSubscription = Stored<Stripe.Subscription>; // customer: string
 * ```
 */
export type Stored<T> = { [K in keyof T as K extends keyof MirrorFields ? never : K]: Unexpanded<T[K]> } & MirrorFields;

/**
 * What every stored document has, whatever its type. Other fields are there too (the schema is not strict): read
 * them with `doc.get('field')`, or use the typed model of the object type.
 */
export interface StoredStripeObject extends MirrorFields {
  id?: string;
  object: string;
  livemode?: boolean;
  metadata?: Record<string, string> | null;
  created?: number;
}

/** Options of one write-through call. */
export interface StripeCallOptions {
  /** Connect account to act as (`Stripe-Account` header); defaults to the document's `stripeAccount`. */
  stripeAccount?: string | null;
  /** Values for parent placeholders of nested paths, e.g. `{ customer: 'cus_1' }` for `/v1/customers/{customer}/tax_ids/{id}`. */
  pathParams?: Record<string, string>;
}

/** What `listFromStripe` did. */
export interface ListFromStripeResult {
  /** Objects received and synced. */
  synced: number;
  /** Pages fetched. */
  pages: number;
}

/** Methods every mirrored document has (write-through to Stripe, then sync back). `TDocument`: the document type. */
export interface StripeObjectMethods<TDocument = unknown> {
  /** POSTs `params` to the object's update path, syncs Stripe's answer and returns it as a document. */
  updateInStripe(params: Record<string, unknown>, options?: StripeCallOptions): Promise<TDocument>;
  /** DELETEs the object in Stripe and keeps a tombstone (`deleted: true`). */
  deleteInStripe(options?: StripeCallOptions): Promise<TDocument>;
  /** Retrieves the object from Stripe, syncs it and returns the stored document. */
  refreshFromStripe(options?: StripeCallOptions): Promise<TDocument>;
}

/** {@link StripeObjectMethods} typed for one document type (an interface, so the document type can refer to it). */
export interface DocumentMethods<TRaw, TMethods, TVirtuals> {
  updateInStripe(params: Record<string, unknown>, options?: StripeCallOptions): Promise<StripeDocument<TRaw, TMethods, TVirtuals>>;
  deleteInStripe(options?: StripeCallOptions): Promise<StripeDocument<TRaw, TMethods, TVirtuals>>;
  refreshFromStripe(options?: StripeCallOptions): Promise<StripeDocument<TRaw, TMethods, TVirtuals>>;
}

/** Statics every mirrored model has. `THydrated` is the model's document type. */
export interface StripeObjectStatics<THydrated> {
  /** Upserts one object (and the expanded objects in it) through the sync engine; returns the stored document. */
  syncFromStripeData(data: StripeObjectLike, context?: SyncContext): Promise<THydrated>;
  /** Upserts many objects, one bulkWrite per batch. */
  syncManyFromStripeData(objects: readonly StripeObjectLike[], context?: SyncContext): Promise<SyncReport>;
  /** GETs the object from Stripe, syncs it, returns the stored document. */
  retrieveFromStripe(id: string, options?: StripeCallOptions): Promise<THydrated>;
  /**
   * Pages through Stripe's list endpoint (`starting_after`, Stripe's `limit` per page), syncing each page as it
   * arrives, and resolves with counts once `has_more` is false. Pages are written as they come, so an interrupted
   * listing keeps what it fetched; list parameters (`customer`, `status`, `created[gte]`, …) pass through.
   *
   * ```ts
   * const { synced, pages } = await Subscription.listFromStripe({ status: 'all', limit: 100 });
   * ```
   */
  listFromStripe(params?: Record<string, unknown>, options?: StripeCallOptions): Promise<ListFromStripeResult>;
}

/** Hydrated document of a stored Stripe object type. */
export type StripeDocument<TRaw = StoredStripeObject, TMethods = object, TVirtuals = object> = HydratedDocument<
  TRaw,
  DocumentMethods<TRaw, TMethods, TVirtuals> & TMethods & TVirtuals
>;

/** A mirrored model: mongoose's Model plus the sync and write-through statics. */
export type StripeObjectModel<TRaw = StoredStripeObject, TMethods = object, TVirtuals = object, TStatics = object> = Model<
  TRaw,
  object,
  DocumentMethods<TRaw, TMethods, TVirtuals> & TMethods,
  TVirtuals,
  StripeDocument<TRaw, TMethods, TVirtuals>
> &
  StripeObjectStatics<StripeDocument<TRaw, TMethods, TVirtuals>> &
  TStatics;

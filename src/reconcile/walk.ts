import type Stripe from 'stripe';
import type { Document } from 'mongodb';
import { BackfillError } from '../backfill/errors.js';
import { listPages, type ListedObject } from '../backfill/list-pages.js';
import type { TokenBucket } from '../backfill/rate-limiter.js';
import { readAhead } from '../backfill/read-ahead.js';
import { stripeGet, type GetOptions } from '../backfill/request.js';
import { sliceParams } from '../backfill/slices.js';
import type { ListTarget } from '../backfill/types.js';
import { OBJECT_TYPES } from '../models/generated/object-types.js';
import type { StripeMirror } from '../models/mirror.js';
import { compareObject } from './compare.js';
import { Tally } from './tally.js';
import type { ReconcileListReport, ReconcileOptions } from './options.js';

/** Documents of the mirror walk checked against Stripe per round: one `$in` query and this many retrieves. */
const CONFIRM_BATCH = 100;
/** Retrieves in flight at once (the token bucket paces them all the same). */
const RETRIEVES_IN_FLIGHT = 8;

/** What every list of one run shares. */
export interface WalkSettings {
  readonly mirror: StripeMirror;
  readonly stripe: Stripe;
  readonly bucket: TokenBucket;
  /** `created[gte]` in unix seconds, or null. */
  readonly since: number | null;
  readonly repair: boolean;
  readonly maxIds: number;
  readonly onProgress: ReconcileOptions['onProgress'];
  /** True once another list failed: a list stops at its next page. */
  readonly stopped: () => boolean;
}

/**
 * Compares one (account, type) list of Stripe with the mirror, in two walks, each in bounded memory:
 *
 * 1. Stripe's list, page by page (the backfill's pagination, token bucket and 429 handling; the next page is fetched
 *    while the current one is compared): one `$in` query per page fetches the mirror's documents of the page's ids
 *    in this account, each object is `missing`, `stale`, `newer` or `equal` (see `compareObject`), and with `repair`
 *    the missing and stale ones are written at once from the listed data.
 * 2. The mirror's live documents of the type in this account (`created` >= `since`), ids only, in `_id` order: an id
 *    the list did not show is retrieved from Stripe. A 404 `resource_missing` or a `deleted: true` stub confirms a
 *    hard delete (`gone`; with `repair`, a tombstone); an object Stripe still has (created during the walk, or one
 *    the list endpoint does not show) is compared like a listed one.
 *
 * Memory: one page, one batch of 100 documents, and the ids the list showed, kept in a `Set` for the second walk
 * (about 70 bytes an id: 7 MB for 100,000 objects of one type, 70 MB for a million). Nothing else grows with the
 * account.
 *
 * ```ts
 * const report = await new ListWalk(settings, { type: 'customer', listPath: '/v1/customers', params: {} }, null).run();
 * ```
 */
export class ListWalk {
  readonly #settings: WalkSettings;
  readonly #target: ListTarget;
  readonly #account: string | null;
  readonly #tally: Tally;
  readonly #seen = new Set<string>();
  #listed = 0;
  readonly #startedAt = Date.now();

  constructor(settings: WalkSettings, target: ListTarget, account: string | null) {
    this.#settings = settings;
    this.#target = target;
    this.#account = account;
    this.#tally = new Tally(settings.maxIds);
  }

  /** Runs both walks; returns undefined when it stopped early because another list failed. */
  async run(): Promise<ReconcileListReport | undefined> {
    if (!(await this.#walkStripe()) || !(await this.#walkMirror())) return undefined;
    this.#settings.onProgress?.({ type: this.#target.type, account: this.#account, listed: this.#listed, done: true });
    return this.report('done');
  }

  /** The list's report so far. */
  report(outcome: ReconcileListReport['outcome']): ReconcileListReport {
    return {
      type: this.#target.type,
      account: this.#account,
      outcome,
      listed: this.#listed,
      ...this.#tally.summary(),
      seconds: (Date.now() - this.#startedAt) / 1000,
    };
  }

  async #walkStripe(): Promise<boolean> {
    const { stripe, since } = this.#settings;
    const params = sliceParams(this.#target.params, { gte: since, lt: null });
    for await (const page of readAhead(listPages(stripe, this.#target.listPath, params, {}, this.#getOptions()))) {
      if (this.#settings.stopped()) return false;
      const fresh = page.data.filter((object) => !this.#seen.has(object.id));
      const stored = await this.#storedById(fresh.map((object) => object.id));
      const fixes: ListedObject[] = [];
      for (const object of fresh) {
        this.#seen.add(object.id);
        const verdict = compareObject(object, stored.get(object.id), page.fetchedAt);
        this.#tally.add(verdict, object.id);
        if (verdict === 'missing' || verdict === 'stale') fixes.push(object);
      }
      await this.#repair(fixes, page.fetchedAt, false);
      this.#listed += fresh.length;
      this.#settings.onProgress?.({ type: this.#target.type, account: this.#account, listed: this.#listed, done: false });
    }
    return true;
  }

  async #walkMirror(): Promise<boolean> {
    const { since } = this.#settings;
    const filter: Document = {
      object: this.#target.type,
      stripeAccount: this.#account,
      deleted: { $ne: true },
      ...(since === null ? {} : { created: { $gte: since } }),
    };
    const cursor = this.#collection().find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, batchSize: 1000 });
    let unseen: string[] = [];
    try {
      for await (const { _id } of cursor) {
        const id = String(_id);
        if (this.#seen.has(id)) continue;
        unseen.push(id);
        if (unseen.length < CONFIRM_BATCH) continue;
        if (this.#settings.stopped()) return false;
        await this.#confirm(unseen);
        unseen = [];
      }
    } finally {
      await cursor.close();
    }
    if (unseen.length > 0) await this.#confirm(unseen);
    return true;
  }

  /** Retrieves documents the list did not show: gone (404 or `deleted` stub), or compared as Stripe has them now. */
  async #confirm(ids: readonly string[]): Promise<void> {
    const retrieved: Retrieved[] = [];
    for (let i = 0; i < ids.length; i += RETRIEVES_IN_FLIGHT) {
      retrieved.push(...(await Promise.all(ids.slice(i, i + RETRIEVES_IN_FLIGHT).map((id) => this.#retrieve(id)))));
    }
    const stored = await this.#storedById(ids);
    const fixes: ListedObject[] = [];
    const tombstones: ListedObject[] = [];
    for (const { id, object, fetchedAt } of retrieved) {
      const document = stored.get(id);
      if (object === null || object.deleted === true) {
        if (document === undefined) continue;
        this.#tally.add('gone', id);
        tombstones.push(object ?? { id, object: String(document.object), deleted: true });
        continue;
      }
      const verdict = compareObject(object, document, fetchedAt);
      this.#tally.add(verdict, id);
      if (verdict === 'missing' || verdict === 'stale') fixes.push(object);
    }
    const watermark = Math.min(...retrieved.map((r) => r.fetchedAt));
    await this.#repair(fixes, watermark, false);
    await this.#repair(tombstones, watermark, true);
  }

  /** The object as Stripe has it now, or null when Stripe answers 404 `resource_missing`. */
  async #retrieve(id: string): Promise<Retrieved> {
    const info = Object.hasOwn(OBJECT_TYPES, this.#target.type) ? OBJECT_TYPES[this.#target.type] : undefined;
    const template = info?.retrievePath ?? `${this.#target.listPath}/{id}`;
    const path = template.replace('{id}', encodeURIComponent(id));
    const fetchedAt = Math.floor(Date.now() / 1000);
    try {
      const body = await stripeGet(this.#settings.stripe, path, {}, this.#getOptions());
      return { id, object: asStripeObject(body, path), fetchedAt };
    } catch (err) {
      const { statusCode, code } = (err ?? {}) as { statusCode?: unknown; code?: unknown };
      if (statusCode === 404 && code === 'resource_missing') return { id, object: null, fetchedAt };
      throw err;
    }
  }

  /** Writes fixes through the one write path, stamped with their fetch time; counts them. */
  async #repair(objects: readonly ListedObject[], watermark: number, deleted: boolean): Promise<void> {
    if (!this.#settings.repair || objects.length === 0) return;
    await this.#settings.mirror.sync(objects, {
      source: 'reconcile',
      watermark,
      stripeAccount: this.#account,
      ...(deleted ? { deleted: true } : {}),
    });
    this.#tally.repaired += objects.length;
  }

  /** The mirror's documents of `ids` in this account, whole (they are compared field by field). */
  async #storedById(ids: readonly string[]): Promise<Map<string, Document>> {
    if (ids.length === 0) return new Map();
    const filter: Document = { _id: { $in: [...ids] }, stripeAccount: this.#account };
    const documents = await this.#collection().find(filter).toArray();
    return new Map(documents.map((document) => [String(document._id), document]));
  }

  #collection() {
    return this.#settings.mirror.StripeObject.collection;
  }

  #getOptions(): GetOptions {
    return { bucket: this.#settings.bucket, stripeAccount: this.#account ?? undefined };
  }
}

/** One retrieve: the object, or null for a 404. */
interface Retrieved {
  readonly id: string;
  readonly object: ListedObject | null;
  readonly fetchedAt: number;
}

function asStripeObject(body: unknown, path: string): ListedObject {
  const { id, object } = (body ?? {}) as { id?: unknown; object?: unknown };
  if (typeof id !== 'string' || typeof object !== 'string') {
    throw new BackfillError(`GET ${path} did not return a Stripe object (expected { id, object, … })`);
  }
  return body as ListedObject;
}

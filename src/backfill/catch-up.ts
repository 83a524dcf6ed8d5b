import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import { EventInProgressError, ingestStripeEvent } from '../webhooks/index.js';
import { CheckpointStore, type EventPosition } from './checkpoints.js';
import { BackfillOptionsError } from './errors.js';
import { listPages, type ListedObject, type ListPage } from './list-pages.js';
import { ProgressTracker, type BackfillProgress } from './progress.js';
import type { TokenBucket } from './rate-limiter.js';
import { readAhead } from './read-ahead.js';
import { stripeGet, type GetOptions } from './request.js';

/** Stripe keeps events for 30 days; older ones can no longer be listed. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * How far before the newest processed event a first catch-up starts: Stripe retries a failed webhook delivery for up
 * to 3 days, so an older event whose deliveries all failed sits at most that far behind the newest one that arrived.
 */
export const DEFAULT_LOOKBACK_SECONDS = 3 * 24 * 3600;

/** Listing starts this far inside Stripe's retention, so no event expires under the catch-up's cursor. */
const RETENTION_MARGIN_SECONDS = 60;

/** What a catch-up did. */
export interface CatchUpReport {
  readonly account: string | null;
  /** Events listed, recorded in `stripe_events` and applied through the webhook path by this catch-up. */
  readonly applied: number;
  /** Events listed that the log already had: processed earlier, or being applied by a live delivery right now. */
  readonly skipped: number;
  /**
   * Where the catch-up started listing: after the event of its checkpoint (`id`), or, on a first catch-up, at the
   * look-back before the newest processed event (`id` null, `created` the bound); null when it had nothing to start from.
   */
  readonly after: EventPosition | null;
  /** True when the catch-up had to start after an older point than Stripe keeps events: some in between are lost for good. */
  readonly gapTooOld: boolean;
}

/** Inputs of {@link catchUpEvents}; the backfill passes its own. */
export interface CatchUpOptions {
  readonly mirror: StripeMirror;
  readonly stripe: Stripe;
  readonly bucket: TokenBucket;
  readonly account: string | null;
  /** How far before the newest processed event a first catch-up starts; default {@link DEFAULT_LOOKBACK_SECONDS}. */
  readonly lookbackSeconds?: number | undefined;
  readonly onProgress?: ((progress: BackfillProgress) => void) | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** Where a catch-up must list from, and how to name that point in a warning. */
interface Origin {
  readonly position: EventPosition;
  /** `created` of the point every later event must be listed from: a gap when Stripe no longer keeps it. */
  readonly since: number;
  readonly label: string;
}

/**
 * Lists `/v1/events` after the account's catch-up checkpoint and records and applies them through the webhook path
 * (`ingestStripeEvent`, source `backfill`), so events that webhooks never delivered (failed retries, a disabled
 * endpoint, a server down for days, an unsubscribed type) are recovered; events already in the log are skipped. The
 * checkpoint (`platform:events` in `stripe_sync_checkpoints`) advances after each page, only over ingested events:
 * an event that fails to apply stops the catch-up (it is logged as `failed`) and the next one lists again from the
 * last page boundary before it.
 *
 * The first catch-up starts `lookbackSeconds` (default 3 days, Stripe's webhook retry period) before the newest
 * processed event (on a mirror only backfilled, before the backfill started) and saves that start at once, so a failed
 * first run resumes from it. It lists after the newest event older than the start when Stripe has one, oldest first;
 * otherwise newest page first, checkpointing once at the end. Stripe keeps events 30 days: an older start is clamped,
 * and when the checkpoint or the newest processed event is older than that, the catch-up applies what is left and
 * warns that a full backfill is needed.
 *
 * ```ts
 * const report = await catchUpEvents({ mirror, stripe, bucket: new TokenBucket({ ratePerSecond: 25 }), account: null });
 * ```
 */
export async function catchUpEvents(options: CatchUpOptions): Promise<CatchUpReport> {
  const { account } = options;
  const lookback = options.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS;
  if (!Number.isFinite(lookback) || lookback < 0) {
    throw new BackfillOptionsError(`lookbackSeconds must be a number of seconds, 0 or more; got ${String(lookback)}`);
  }
  const store = new CheckpointStore(options.mirror.connection);
  const saved = await store.catchUpPosition(account);
  const oldestKept = Math.floor(Date.now() / 1000) - EVENT_RETENTION_SECONDS;
  const first = saved ? undefined : await firstOrigin(options, store, lookback);
  const origin = saved ? checkpointOrigin(saved) : (first ?? retentionOrigin(oldestKept));
  if (!saved && !first) {
    options.onWarning?.(
      `catch-up${accountLabel(account)}: the mirror has processed no event yet and no backfill ran, so it lists every event Stripe still keeps (the last 30 days); objects no event of those days touched need a backfill`,
    );
  }
  const gapTooOld = origin.since < oldestKept;
  if (gapTooOld) {
    options.onWarning?.(
      `catch-up${accountLabel(account)}: ${origin.label} is older than the 30 days Stripe keeps events; events in between that no webhook delivered are lost, run a full backfill to repair the mirror`,
    );
  }
  const walk = new EventWalk(options, store);
  const start = await startPosition(origin.position, oldestKept + RETENTION_MARGIN_SECONDS, walk);
  if (!saved || !samePosition(saved, start)) await walk.save(start, false);
  if (start.id === null) await walk.listFrom(start.created);
  else await walk.listAfter({ id: start.id, created: start.created });
  return { account, applied: walk.applied, skipped: walk.skipped, after: start, gapTooOld };
}

/** An empty mirror (no event, no backfill) recovers from the oldest event Stripe still keeps. */
function retentionOrigin(oldestKept: number): Origin {
  return { position: { id: null, created: oldestKept }, since: oldestKept, label: "Stripe's 30-day event retention window" };
}

function checkpointOrigin(saved: EventPosition): Origin {
  return { position: saved, since: saved.created, label: `the last catch-up checkpoint (${describe(saved)})` };
}

/**
 * A first catch-up lists from the look-back before the newest point the mirror is known to reflect: its newest
 * processed event, or, on a mirror only backfilled, the start of the backfill (its lists hold what existed then, and
 * an event older than what they wrote is a stale no-op). Null when neither exists (the catch-up then lists Stripe's whole 30-day window).
 */
async function firstOrigin(options: CatchUpOptions, store: CheckpointStore, lookback: number): Promise<Origin | null> {
  const last = await lastProcessedEvent(options.mirror, options.account);
  if (last) return lookbackOrigin(last.created, lookback, `the last processed event (${describe(last)})`);
  const startedAt = await store.listsStartedAt(options.account);
  if (startedAt === null) return null;
  return lookbackOrigin(startedAt, lookback, `the backfill started at ${new Date(startedAt * 1000).toISOString()}`);
}

function lookbackOrigin(since: number, lookback: number, label: string): Origin {
  return { position: { id: null, created: Math.floor(since - lookback) }, since, label };
}

/**
 * The position to list after: the origin clamped to what Stripe still safely keeps, and a bare `created` bound turned
 * into the newest event before it when there is one, so the list can walk towards newer events, oldest first.
 */
async function startPosition(origin: EventPosition, oldestListable: number, walk: EventWalk): Promise<EventPosition> {
  if (origin.created < oldestListable) return { id: null, created: oldestListable };
  if (origin.id !== null) return origin;
  return (await walk.newestBefore(origin.created, oldestListable)) ?? origin;
}

/** One catch-up's listing: ingests pages, counts, reports progress and saves the checkpoint. */
class EventWalk {
  applied = 0;
  skipped = 0;
  readonly #options: CatchUpOptions;
  readonly #store: CheckpointStore;
  readonly #tracker: ProgressTracker;
  readonly #get: GetOptions;

  constructor(options: CatchUpOptions, store: CheckpointStore) {
    this.#options = options;
    this.#store = store;
    this.#tracker = new ProgressTracker('event', options.account, { objects: 0, pages: 0 });
    this.#get = { bucket: options.bucket, stripeAccount: options.account ?? undefined };
  }

  /** The newest event created in [`oldestListable`, `created`), or null when Stripe has none. */
  async newestBefore(created: number, oldestListable: number): Promise<EventPosition | null> {
    const query = { 'created[lt]': String(created), 'created[gte]': String(oldestListable), limit: '1' };
    return positionOf(firstListed(await stripeGet(this.#options.stripe, '/v1/events', query, this.#get)));
  }

  /**
   * Ingests every event after `after`, oldest first, saving the checkpoint after each page. When Stripe does not know
   * the event (a mirror database reused with another account's key), it lists from that event's `created` instead,
   * with a warning: events already in the log are skipped, so nothing is applied twice and the run is not stuck.
   */
  async listAfter(after: { id: string; created: number }): Promise<void> {
    let position: EventPosition = after;
    let listed = false;
    try {
      for await (const page of readAhead(listPages(this.#options.stripe, '/v1/events', {}, { endingBefore: after.id }, this.#get))) {
        listed = true;
        await this.#ingest(page);
        position = positionOf(page.data[0]) ?? position;
        await this.save(position, !page.hasMore);
      }
    } catch (err) {
      if (listed || !isUnknownCursor(err)) throw err;
      this.#options.onWarning?.(
        `catch-up${accountLabel(this.#options.account)}: Stripe does not know the checkpoint's event ${after.id}; listing the events created since ${new Date(after.created * 1000).toISOString()} instead`,
      );
      await this.listFrom(after.created);
      return;
    }
    this.#finish();
  }

  /**
   * Ingests every event created at `created` or later. Without an event to list after, Stripe lists newest first, so
   * nothing before the newest event is complete until the last page: the checkpoint is saved once, at the end.
   */
  async listFrom(created: number): Promise<void> {
    let newest: EventPosition | null = null;
    for await (const page of readAhead(listPages(this.#options.stripe, '/v1/events', { 'created[gte]': String(created) }, {}, this.#get))) {
      await this.#ingest(page);
      newest ??= positionOf(page.data[0]);
    }
    await this.save(newest ?? { id: null, created }, true);
    this.#finish();
  }

  /** Records that every event before `position` is ingested. */
  async save(position: EventPosition, done: boolean): Promise<void> {
    await this.#store.saveCatchUp(this.#options.account, position, { objects: this.#tracker.objects, pages: this.#tracker.pages, done });
  }

  /** Ingests one page oldest first; the first event that fails stops the catch-up before the page is checkpointed. */
  async #ingest(page: ListPage): Promise<void> {
    for (const event of [...page.data].reverse()) {
      if (await ingest(asEvent(event), this.#options.mirror)) this.applied += 1;
      else this.skipped += 1;
    }
    this.#options.onProgress?.(this.#tracker.addPage(page.data.length, undefined));
  }

  #finish(): void {
    this.#options.onProgress?.(this.#tracker.snapshot(true));
  }
}

/** Stripe's answer to an `ending_before` cursor naming an event it does not have. */
function isUnknownCursor(err: unknown): boolean {
  const { code, param } = (err ?? {}) as { code?: unknown; param?: unknown };
  return code === 'resource_missing' && param === 'ending_before';
}

/** True when this call applied the event; false when the log already had it or another process is applying it. */
async function ingest(event: Stripe.Event, mirror: StripeMirror): Promise<boolean> {
  try {
    return !(await ingestStripeEvent(event, { mirror, source: 'backfill' })).duplicate;
  } catch (err) {
    if (err instanceof EventInProgressError) return false;
    throw err;
  }
}

async function lastProcessedEvent(mirror: StripeMirror, account: string | null): Promise<{ id: string; created: number } | null> {
  const doc = await mirror.Event.collection.findOne(
    { status: { $in: ['processed', 'ignored'] }, stripeAccount: account },
    { sort: { created: -1, processedAt: -1 }, projection: { _id: 1, created: 1 } },
  );
  if (!doc || typeof doc.created !== 'number') return null;
  return { id: String(doc._id), created: doc.created };
}

function samePosition(a: EventPosition, b: EventPosition): boolean {
  return a.id === b.id && a.created === b.created;
}

/** The first object of a list response, if any. */
function firstListed(body: unknown): unknown {
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? data[0] : undefined;
}

/** The position just after a listed event; null when it is missing or carries no `created`. */
function positionOf(event: unknown): EventPosition | null {
  const { id, created } = (event ?? {}) as { id?: unknown; created?: unknown };
  return typeof id === 'string' && typeof created === 'number' ? { id, created } : null;
}

/** Events listed by the API are whole `Stripe.Event`s; the list walker only checked `id`. */
function asEvent(object: ListedObject): Stripe.Event {
  return object as unknown as Stripe.Event;
}

function describe(position: EventPosition): string {
  const at = new Date(position.created * 1000).toISOString();
  return position.id === null ? `events from ${at}` : `${position.id}, ${at}`;
}

function accountLabel(account: string | null): string {
  return account ? ` (${account})` : '';
}

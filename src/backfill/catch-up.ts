import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import { EventInProgressError, ingestStripeEvent } from '../webhooks/index.js';
import { listPages, type ListedObject } from './list-pages.js';
import { ProgressTracker, type BackfillProgress } from './progress.js';
import type { TokenBucket } from './rate-limiter.js';
import { readAhead } from './read-ahead.js';

/** Stripe keeps events for 30 days; older ones can no longer be listed. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/** What a catch-up did. */
export interface CatchUpReport {
  readonly account: string | null;
  /** Events listed, recorded in `stripe_events` and applied through the webhook path by this catch-up. */
  readonly applied: number;
  /** Events listed that the log already had: processed earlier, or being applied by a live delivery right now. */
  readonly skipped: number;
  /** The last processed event the catch-up started after, if any. */
  readonly after: { id: string; created: number } | null;
  /** True when that event is older than Stripe keeps events: some in between are lost for good. */
  readonly gapTooOld: boolean;
}

/** Inputs of {@link catchUpEvents}; the backfill passes its own. */
export interface CatchUpOptions {
  readonly mirror: StripeMirror;
  readonly stripe: Stripe;
  readonly bucket: TokenBucket;
  readonly account: string | null;
  readonly onProgress?: ((progress: BackfillProgress) => void) | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
}

/**
 * Lists `/v1/events` newer than the last event the mirror processed and records and applies them through the webhook
 * path (`ingestStripeEvent`, source `backfill`), oldest first (the next page is fetched meanwhile), so a server that was down misses nothing. Each event
 * lands in `stripe_events` as `processed`, so the next catch-up starts after it, and an event a webhook already
 * delivered is skipped. Stripe keeps events 30 days: when the last processed event is older, the catch-up applies
 * what is left and warns that a full backfill is needed. An event that fails to apply stops the catch-up (it is
 * logged as `failed`; the next catch-up resumes before it).
 *
 * ```ts
 * const report = await catchUpEvents({ mirror, stripe, bucket: new TokenBucket({ ratePerSecond: 25 }), account: null });
 * ```
 */
export async function catchUpEvents(options: CatchUpOptions): Promise<CatchUpReport> {
  const { mirror, stripe, bucket, account } = options;
  const last = await lastProcessedEvent(mirror, account);
  if (!last) {
    options.onWarning?.(
      `catch-up${accountLabel(account)}: the mirror has processed no event yet, so there is nothing to catch up from; a backfill brings it up to date`,
    );
    return { account, applied: 0, skipped: 0, after: null, gapTooOld: false };
  }
  const oldestKept = Math.floor(Date.now() / 1000) - EVENT_RETENTION_SECONDS;
  const gapTooOld = last.created < oldestKept;
  if (gapTooOld) {
    options.onWarning?.(
      `catch-up${accountLabel(account)}: the last processed event (${last.id}, ${new Date(last.created * 1000).toISOString()}) is older than the 30 days Stripe keeps events; events in between are lost, run a full backfill to repair the mirror`,
    );
  }
  const tracker = new ProgressTracker('event', account, { objects: 0, pages: 0 });
  const pages = gapTooOld
    ? listPages(stripe, '/v1/events', { 'created[gte]': String(oldestKept + 60) }, {}, { bucket, stripeAccount: account ?? undefined })
    : listPages(stripe, '/v1/events', {}, { endingBefore: last.id }, { bucket, stripeAccount: account ?? undefined });
  let applied = 0;
  let skipped = 0;
  for await (const page of readAhead(pages)) {
    for (const event of [...page.data].reverse()) {
      if (await ingest(asEvent(event), mirror)) applied += 1;
      else skipped += 1;
    }
    const progress = tracker.addPage(page.data.length, undefined);
    options.onProgress?.(progress);
  }
  options.onProgress?.(tracker.snapshot(true));
  return { account, applied, skipped, after: last, gapTooOld };
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

/** Events listed by the API are whole `Stripe.Event`s; the list walker only checked `id`. */
function asEvent(object: ListedObject): Stripe.Event {
  return object as unknown as Stripe.Event;
}

function accountLabel(account: string | null): string {
  return account ? ` (${account})` : '';
}

import type { Db, Document } from 'mongodb';
import { CHECKPOINT_COLLECTION } from '../backfill/checkpoints.js';
import { EVENT_STATUSES } from '../models/event.js';
import type { WebhookHandler } from '../webhooks/handler.js';
import type { WebhookMetrics } from '../webhooks/metrics.js';
import type { EventPipeline } from '../webhooks/pipeline.js';
import { renderExposition, type MetricFamily, type Sample } from './exposition.js';

/** Options of {@link prometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /**
   * Also read the database: events per unsettled status, lag, backfill progress (one indexed count per status, one
   * short read of the newest events, one aggregation of the checkpoints). Default true; false renders only this
   * process's counters, without a query.
   */
  database?: boolean;
  /** Longest a database read may take (`maxTimeMS`) before the scrape reports `stripe_mirror_database_up 0`. Default 2 000. */
  timeoutMs?: number;
}

/** Event log statuses worth a gauge: the ones that need attention or work. `processed`/`ignored` only grow. */
const UNSETTLED_STATUSES = EVENT_STATUSES.filter((status) => status !== 'processed' && status !== 'ignored');

/** How many of the most recently stored done events the lag looks at (see {@link newestDoneCreated}). */
const LAG_WINDOW = 100;

/** The counters of `handler.metrics()` under the singular label value a query reads best. */
const DELIVERY_LABELS: Readonly<Record<string, string>> = { duplicates: 'duplicate', conflicts: 'conflict' };

/**
 * The Prometheus text exposition of one webhook handler (or pipeline) and its mirror, framework-free: mount it on any
 * route (`serve` does at `GET /metrics`) and answer with {@link PROMETHEUS_CONTENT_TYPE}. Families:
 * - `stripe_mirror_webhook_requests_total`, `stripe_mirror_webhook_deliveries_total{status}`,
 *   `stripe_mirror_webhook_rejected_total{reason}`: the handler's counters (`handler.metrics()`);
 * - `stripe_mirror_events_total{type,status}`: events settled per event type (deliveries, ingest, queue worker,
 *   reprocessing), `status` one of processed, ignored, invalid, duplicate, failed, dead, conflict, unavailable, rejected;
 * - `stripe_mirror_event_apply_duration_seconds`: histogram, start to recorded outcome;
 * - `stripe_mirror_event_log_events{status}`: stored events pending, processing, failed, dead (and invalid);
 * - `stripe_mirror_lag_seconds`: now minus `created` of the newest processed or ignored event;
 * - `stripe_mirror_backfill_objects{type}`, `stripe_mirror_backfill_lists{type,state}`: from `stripe_sync_checkpoints`;
 * - `stripe_mirror_database_up`: 0 when the database reads failed (the process counters are still there).
 *
 * ```ts
 * app.get('/metrics', async (_req, res) => res.type(PROMETHEUS_CONTENT_TYPE).send(await prometheusMetrics(webhooks)));
 * ```
 */
export async function prometheusMetrics(source: WebhookHandler | EventPipeline, options: PrometheusMetricsOptions = {}): Promise<string> {
  const pipeline = 'pipeline' in source ? source.pipeline : source;
  const families = [...counterFamilies(source.metrics()), ...observerFamilies(pipeline)];
  if (options.database !== false) families.push(...(await databaseFamilies(pipeline, options.timeoutMs ?? 2000)));
  return renderExposition(families);
}

function counterFamilies(metrics: WebhookMetrics): MetricFamily[] {
  const deliveries: Sample[] = [];
  for (const [key, value] of Object.entries(metrics)) {
    if (key === 'received' || typeof value !== 'number') continue;
    deliveries.push({ labels: { status: DELIVERY_LABELS[key] ?? key }, value });
  }
  return [
    { name: 'stripe_mirror_webhook_requests_total', help: 'Webhook deliveries that reached the handler.', type: 'counter', samples: [{ value: metrics.received }] },
    { name: 'stripe_mirror_webhook_deliveries_total', help: 'Deliveries and ingested events by how they were answered.', type: 'counter', samples: deliveries },
    {
      name: 'stripe_mirror_webhook_rejected_total',
      help: 'Deliveries refused before anything was stored, by reason.',
      type: 'counter',
      samples: Object.entries(metrics.rejected).map(([reason, value]) => ({ labels: { reason }, value })),
    },
  ];
}

function observerFamilies(pipeline: EventPipeline): MetricFamily[] {
  const { byType, applySeconds } = pipeline.observer.snapshot();
  const settled = Object.entries(byType).flatMap(([type, counts]) =>
    Object.entries(counts).map(([status, value]) => ({ labels: { type, status }, value: value ?? 0 })),
  );
  const buckets: Sample[] = [
    ...applySeconds.buckets.map(({ le, count }) => ({ suffix: '_bucket' as const, labels: { le: String(le) }, value: count })),
    { suffix: '_bucket', labels: { le: '+Inf' }, value: applySeconds.count },
    { suffix: '_sum', value: applySeconds.sum },
    { suffix: '_count', value: applySeconds.count },
  ];
  return [
    { name: 'stripe_mirror_events_total', help: 'Events settled by this process, by event type and status.', type: 'counter', samples: settled },
    { name: 'stripe_mirror_event_apply_duration_seconds', help: 'Time from an event entering the pipeline to its recorded outcome.', type: 'histogram', samples: buckets },
  ];
}

async function databaseFamilies(pipeline: EventPipeline, maxTimeMS: number): Promise<MetricFamily[]> {
  const mirror = pipeline.options.mirror;
  const up = (value: number): MetricFamily => ({ name: 'stripe_mirror_database_up', help: 'Whether the database reads of this scrape succeeded.', type: 'gauge', samples: [{ value }] });
  const db = mirror.connection.db;
  if (!db) return [up(0)];
  const log = db.collection(mirror.Event.collection.collectionName);
  try {
    const [counts, newest, backfill] = await withTimeout(
      Promise.all([
        Promise.all(UNSETTLED_STATUSES.map(async (status) => ({ status, count: await log.countDocuments({ status }, { maxTimeMS }) }))),
        newestDoneCreated(db, log.collectionName, maxTimeMS),
        backfillProgress(db, maxTimeMS),
      ]),
      maxTimeMS,
    );
    const observed = pipeline.observer.snapshot().newestAppliedCreated;
    const created = Math.max(newest ?? -Infinity, observed ?? -Infinity);
    return [
      up(1),
      {
        name: 'stripe_mirror_event_log_events',
        help: 'Stored events by status, for the statuses that still need work or attention.',
        type: 'gauge',
        samples: counts.map(({ status, count }) => ({ labels: { status }, value: count })),
      },
      {
        name: 'stripe_mirror_lag_seconds',
        help: 'Seconds between now and the creation of the newest processed or ignored event.',
        type: 'gauge',
        samples: Number.isFinite(created) ? [{ value: Math.max(0, Date.now() / 1000 - created) }] : [],
      },
      ...backfill,
    ];
  } catch {
    return [up(0)];
  }
}

/**
 * `created` of the newest done event among the {@link LAG_WINDOW} most recently stored ones: a short reverse scan in
 * storage order, which needs no index on `created` (the log has none that sorts by it alone). The caller also takes
 * the newest event this process applied, so a replay of old events stored last does not hide a live one.
 */
async function newestDoneCreated(db: Db, collection: string, maxTimeMS: number): Promise<number | null> {
  const recent = await db
    .collection(collection)
    .find({ status: { $in: ['processed', 'ignored'] } }, { sort: { $natural: -1 }, limit: LAG_WINDOW, projection: { created: 1 }, maxTimeMS })
    .toArray();
  const created = recent.map((doc) => doc.created).filter((value): value is number => typeof value === 'number');
  return created.length === 0 ? null : Math.max(...created);
}

/**
 * Objects written and lists done per object type, over every account. A sliced list keeps a checkpoint per slice
 * beside its own (which has `slices`): objects are summed over slices and unsliced lists, lists counted over the
 * lists' own checkpoints. Catch-up checkpoints (`type: 'events'`) are not lists.
 */
async function backfillProgress(db: Db, maxTimeMS: number): Promise<MetricFamily[]> {
  const isList = { $eq: [{ $ifNull: ['$slice', null] }, null] };
  const isLeaf = { $eq: [{ $ifNull: ['$slices', null] }, null] };
  const groups = await db
    .collection(CHECKPOINT_COLLECTION)
    .aggregate<Document>(
      [
        { $match: { type: { $ne: 'events' } } },
        {
          $group: {
            _id: '$type',
            objects: { $sum: { $cond: [isLeaf, '$objects', 0] } },
            lists: { $sum: { $cond: [isList, 1, 0] } },
            done: { $sum: { $cond: [{ $and: [isList, { $eq: ['$done', true] }] }, 1, 0] } },
          },
        },
        { $sort: { _id: 1 } },
      ],
      { maxTimeMS },
    )
    .toArray();
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
  return [
    {
      name: 'stripe_mirror_backfill_objects',
      help: 'Objects the backfill wrote, per object type (all accounts).',
      type: 'gauge',
      samples: groups.map((g) => ({ labels: { type: String(g._id) }, value: number(g.objects) })),
    },
    {
      name: 'stripe_mirror_backfill_lists',
      help: 'Backfill lists (one per account and object type) done or unfinished.',
      type: 'gauge',
      samples: groups.flatMap((g) => [
        { labels: { type: String(g._id), state: 'done' }, value: number(g.done) },
        { labels: { type: String(g._id), state: 'unfinished' }, value: number(g.lists) - number(g.done) },
      ]),
    },
  ];
}

/**
 * Rejects once `ms` have passed: `maxTimeMS` bounds the work on the server, not the wait for one (a database that is
 * down makes the driver look for a server for `serverSelectionTimeoutMS`, 30 s by default), and a scrape must answer.
 */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import type { Filter } from 'mongodb';
import { events, type EventDocument } from './event-collection.js';
import { resolveProcessingOptions, type RefetchPolicy, type WebhookLogger } from './options.js';
import type { StripeMirror } from '../models/mirror.js';
import { EventPipeline } from './pipeline.js';

/** Which stored events to replay. No filter: every stored event. */
export interface ReprocessFilter {
  /** Only events whose status is `failed`, `dead` or `invalid`. */
  failed?: boolean;
  /** Only events created at or after this time (a Date, or unix seconds). */
  since?: Date | number;
  /** Only events of this type (or these types). */
  type?: string | readonly string[];
}

/** Options of {@link reprocessEvents}: a filter plus where to apply (a handler's `reprocess` uses its own). */
export interface ReprocessOptions extends ReprocessFilter {
  /** Default `defaultMirror()`. */
  mirror?: StripeMirror;
  refetch?: RefetchPolicy;
  logger?: WebhookLogger;
}

/** Counts of one reprocessing run. */
export interface ReprocessReport {
  matched: number;
  processed: number;
  ignored: number;
  invalid: number;
  failed: number;
  /** Held by another process at the time (lease not expired), left alone. */
  skipped: number;
}

/**
 * Replays stored events through the same claim/apply/record path as live deliveries, oldest first, with
 * `_mirror.source: 'replay'`. The guarded writes make this safe at any time: an event older than the mirrored state
 * changes nothing. The `stripe-mirror reprocess [--failed] [--since] [--type]` command calls it.
 *
 * ```ts
 * const { processed, failed } = await reprocessEvents({ failed: true, since: new Date('2026-01-01') });
 * ```
 */
export function reprocessEvents(options: ReprocessOptions = {}): Promise<ReprocessReport> {
  const { mirror, refetch, logger, ...filter } = options;
  const processing = resolveProcessingOptions({
    ...(mirror ? { mirror } : {}),
    ...(refetch === undefined ? {} : { refetch }),
    ...(logger ? { logger } : {}),
  });
  return reprocessWith(new EventPipeline(processing), filter);
}

/** {@link reprocessEvents} through one pipeline (a handler's, with its hooks): `handler.reprocess(filter)`. */
export async function reprocessWith(pipeline: EventPipeline, filter: ReprocessFilter): Promise<ReprocessReport> {
  const ids = await events(pipeline.options.mirror)
    .find(reprocessQuery(filter), { projection: { _id: 1 }, sort: { created: 1, _id: 1 } })
    .map((doc): unknown => doc._id)
    .toArray();
  const report: ReprocessReport = { matched: ids.length, processed: 0, ignored: 0, invalid: 0, failed: 0, skipped: 0 };
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    const claimed = await pipeline.log.claimStored(id, pipeline.options.leaseMs);
    if (!claimed) {
      report.skipped += 1;
      continue;
    }
    const outcome = await pipeline.processClaimed(claimed, { source: 'replay', deadLetter: false });
    report[outcome.status === 'dead' ? 'failed' : outcome.status] += 1;
  }
  return report;
}

function reprocessQuery(filter: ReprocessFilter): Filter<EventDocument> {
  const query: Filter<EventDocument> = {};
  if (filter.failed) query.status = { $in: ['failed', 'dead', 'invalid'] };
  if (filter.since !== undefined) {
    const seconds = filter.since instanceof Date ? Math.floor(filter.since.getTime() / 1000) : filter.since;
    query.created = { $gte: seconds };
  }
  if (filter.type !== undefined) query.type = { $in: typeof filter.type === 'string' ? [filter.type] : [...filter.type] };
  return query;
}

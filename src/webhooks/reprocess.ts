import type { Filter } from 'mongodb';
import { claimStored, events, type EventDocument } from './event-log.js';
import type { WebhookHandler } from './handler.js';
import { EventHooks } from './hooks.js';
import { resolveProcessingOptions, type RefetchPolicy, type WebhookLogger } from './options.js';
import type { StripeMirror } from '../models/mirror.js';
import { processClaimed } from './process.js';

/** Which stored events to replay. No filter: every stored event. */
export interface ReprocessFilter {
  /** Only events whose status is `failed` or `dead`. */
  failed?: boolean;
  /** Only events created at or after this time (a Date, or unix seconds). */
  since?: Date | number;
  /** Only events of this type (or these types). */
  type?: string | readonly string[];
}

/** Options of {@link reprocessEvents}: a filter plus where to apply. */
export interface ReprocessOptions extends ReprocessFilter {
  /** Default `defaultMirror()`, or the handler's mirror. */
  mirror?: StripeMirror;
  refetch?: RefetchPolicy;
  logger?: WebhookLogger;
  /** Use this handler's mirror, refetch policy, logger and hooks. */
  handler?: WebhookHandler;
}

/** Counts of one reprocessing run. */
export interface ReprocessReport {
  matched: number;
  processed: number;
  ignored: number;
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
export async function reprocessEvents(options: ReprocessOptions = {}): Promise<ReprocessReport> {
  const resolved = options.handler?.options ?? resolveProcessingOptions({
    ...(options.mirror ? { mirror: options.mirror } : {}),
    ...(options.refetch === undefined ? {} : { refetch: options.refetch }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const pipeline = { options: resolved, hooks: options.handler?.hooks ?? new EventHooks() };
  const ids = await events(resolved.mirror)
    .find(reprocessQuery(options), { projection: { _id: 1 }, sort: { created: 1, _id: 1 } })
    .map((doc): unknown => doc._id)
    .toArray();
  const report: ReprocessReport = { matched: ids.length, processed: 0, ignored: 0, failed: 0, skipped: 0 };
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    const claimed = await claimStored(resolved.mirror, id, resolved.leaseMs);
    if (!claimed) {
      report.skipped += 1;
      continue;
    }
    const outcome = await processClaimed(claimed, pipeline, { source: 'replay', deadLetter: false });
    report[outcome.status === 'dead' ? 'failed' : outcome.status] += 1;
  }
  return report;
}

function reprocessQuery(filter: ReprocessFilter): Filter<EventDocument> {
  const query: Filter<EventDocument> = {};
  if (filter.failed) query.status = { $in: ['failed', 'dead'] };
  if (filter.since !== undefined) {
    const seconds = filter.since instanceof Date ? Math.floor(filter.since.getTime() / 1000) : filter.since;
    query.created = { $gte: seconds };
  }
  if (filter.type !== undefined) query.type = { $in: typeof filter.type === 'string' ? [filter.type] : [...filter.type] };
  return query;
}

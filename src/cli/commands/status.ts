import type mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { CHECKPOINT_COLLECTION } from '../../backfill/index.js';
import { RUNS_COLLECTION } from '../../reconcile/runs.js';
import { parseCommandArgs, type Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { MONGO_HELP, withMongo } from '../mongo-option.js';
import { formatTime, renderTable } from '../table.js';
import { oldestReceivedAt, retentionDays } from '../../webhooks/retention.js';

/** What `status --json` prints (one JSON document). */
export interface MirrorStatus {
  objects: { type: string; account: string | null; count: number; deleted: number }[];
  events: { byStatus: Record<string, number>; total: number; lastEventAt: number | null; oldestReceivedAt: string | null; retentionDays: number | null };
  failedEvents: { id: string; type: string; status: string; attempts: number; error: string | null }[];
  backfill: { type: string; account: string | null; objects: number; done: boolean; updatedAt: string | null }[];
  /** The last five `reconcile` runs, newest first (`stripe_sync_runs`); `totals` is null while running or after a failure. */
  reconcileRuns: {
    id: string;
    status: string;
    repair: boolean;
    startedAt: string | null;
    endedAt: string | null;
    totals: { missing: number; gone: number; stale: number; newer: number; equal: number; repaired: number } | null;
    error: string | null;
  }[];
}

/**
 * `stripe-mirror status`: what the mirror holds (objects per type and account, events per status, the last event,
 * failed events with their errors, backfill checkpoints), as tables or as one JSON document.
 */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show what the mirror holds: objects per type and account, events per status, failures, backfill state.',
  usage: 'stripe-mirror status [--mongo URI] [--json]',
  help: [MONGO_HELP, ['--json', 'print one JSON document instead of tables']],
  async run(argv, io) {
    const { values } = parseCommandArgs('status', argv, { mongo: { type: 'string' }, json: { type: 'boolean' } });
    return withMongo('status', io, values.mongo, async (connection) => {
      const status = await readStatus(connection);
      io.stdout.write(values.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
      return 0;
    });
  },
};

/** Reads the mirror's state with a few aggregations (no document is loaded whole). */
export async function readStatus(connection: mongoose.Connection): Promise<MirrorStatus> {
  const db = connection.db;
  if (!db) throw new CliFailure('mongo_unreachable', 'the MongoDB connection closed while reading the status: run the command again');
  const objectGroups = await db
    .collection('stripe_objects')
    .aggregate<{ _id: { type: unknown; account: unknown }; count: number; deleted: number }>([
      {
        $group: {
          _id: { type: '$object', account: '$stripeAccount' },
          count: { $sum: 1 },
          deleted: { $sum: { $cond: [{ $eq: ['$deleted', true] }, 1, 0] } },
        },
      },
    ])
    .toArray();
  const events = db.collection('stripe_events');
  const statusGroups = await events.aggregate<{ _id: unknown; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]).toArray();
  const last = await events.findOne({}, { sort: { created: -1 }, projection: { created: 1 } });
  const [oldest, retention] = await Promise.all([oldestReceivedAt(events), retentionDays(events)]);
  const failed = await events
    .find({ status: { $in: ['failed', 'dead', 'invalid'] } }, { sort: { created: -1 }, limit: 50, projection: { type: 1, status: 1, attempts: 1, lastError: 1 } })
    .toArray();
  const checkpoints = await db.collection(CHECKPOINT_COLLECTION).find({}, { sort: { _id: 1 } }).toArray();
  const runs = await db.collection(RUNS_COLLECTION).find({ kind: 'reconcile' }, { sort: { startedAt: -1 }, limit: 5, projection: { lists: 0 } }).toArray();
  const byStatus = Object.fromEntries(statusGroups.map((g) => [String(g._id), g.count]));
  return {
    objects: objectGroups
      .map((g) => ({ type: String(g._id.type), account: typeof g._id.account === 'string' ? g._id.account : null, count: g.count, deleted: g.deleted }))
      .sort((a, b) => a.type.localeCompare(b.type) || String(a.account).localeCompare(String(b.account))),
    events: {
      byStatus,
      total: statusGroups.reduce((sum, g) => sum + g.count, 0),
      lastEventAt: typeof last?.created === 'number' ? last.created : null,
      oldestReceivedAt: oldest?.toISOString() ?? null,
      retentionDays: retention,
    },
    failedEvents: failed.map((doc) => ({
      id: String(doc._id),
      type: String(doc.type),
      status: String(doc.status),
      attempts: typeof doc.attempts === 'number' ? doc.attempts : 0,
      error: typeof doc.lastError?.message === 'string' ? doc.lastError.message : null,
    })),
    backfill: listCheckpoints(checkpoints),
    reconcileRuns: runs.map((run) => ({
      id: String(run._id),
      status: String(run.status),
      repair: run.repair === true,
      startedAt: run.startedAt instanceof Date ? run.startedAt.toISOString() : null,
      endedAt: run.endedAt instanceof Date ? run.endedAt.toISOString() : null,
      totals: typeof run.totals === 'object' && run.totals !== null ? run.totals : null,
      error: typeof run.error === 'string' ? run.error : null,
    })),
  };
}

/**
 * One row per (account, type) list. A list split into slices keeps a checkpoint per slice next to its own: they are
 * folded into it, its objects counted over its slices until it is done (its own count is the total only then).
 */
function listCheckpoints(checkpoints: readonly Document[]): MirrorStatus['backfill'] {
  const countOf = (c: Document): number => (typeof c.objects === 'number' ? c.objects : 0);
  const sliced = new Map<string, number>();
  for (const c of checkpoints) {
    const parent: unknown = c.slice?.parent;
    if (typeof parent === 'string') sliced.set(parent, (sliced.get(parent) ?? 0) + countOf(c));
  }
  return checkpoints
    .filter((c) => c.slice === undefined)
    .map((c) => ({
      type: String(c.type),
      account: typeof c.account === 'string' ? c.account : null,
      objects: c.done === true ? countOf(c) : (sliced.get(String(c._id)) ?? countOf(c)),
      done: c.done === true,
      updatedAt: c.updatedAt instanceof Date ? c.updatedAt.toISOString() : null,
    }));
}

function formatStatus(status: MirrorStatus): string {
  const sections = [
    status.objects.length === 0
      ? 'objects: none yet (run stripe-mirror sync, or point Stripe webhooks at stripe-mirror serve)\n'
      : renderTable(['type', 'account', 'objects', 'deleted'], status.objects.map((o) => [o.type, o.account ?? 'platform', o.count, o.deleted])),
    `events: ${status.events.total} (${Object.entries(status.events.byStatus).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}), last event at ${formatTime(status.events.lastEventAt)}, oldest kept received ${status.events.oldestReceivedAt ?? '-'}, ${status.events.retentionDays === null ? 'kept forever' : `done events expire after ${status.events.retentionDays} days`}\n`,
  ];
  if (status.failedEvents.length > 0) {
    sections.push(
      renderTable(['failed event', 'type', 'status', 'attempts', 'error'], status.failedEvents.map((f) => [f.id, f.type, f.status, f.attempts, f.error ?? '-'])),
      "retry them with 'stripe-mirror reprocess --failed'\n",
    );
  }
  const unfinished = status.backfill.filter((c) => !c.done);
  if (unfinished.length > 0) {
    sections.push(`backfill interrupted for ${unfinished.map((c) => c.type).join(', ')}: run 'stripe-mirror sync' again to resume\n`);
  }
  const [run] = status.reconcileRuns;
  if (run) sections.push(`last reconcile: ${describeRun(run)}\n`);
  return sections.join('\n');
}

/** One line for a reconcile run: `done at …, clean (1204 equal)`, `done at …, 2 missing, 1 stale, 0 gone (repaired)`. */
function describeRun(run: MirrorStatus['reconcileRuns'][number]): string {
  if (run.status === 'running') return `started at ${run.startedAt ?? '-'}, not finished (still running, or the process died)`;
  if (run.status !== 'done' || !run.totals) return `${run.status} at ${run.endedAt ?? '-'}: ${run.error ?? 'no details'}`;
  const { missing, stale, gone, equal } = run.totals;
  const drift = missing + stale + gone === 0 ? `clean (${equal} equal)` : `${missing} missing, ${stale} stale, ${gone} gone`;
  const repaired = run.repair ? ' (repaired)' : missing + stale + gone > 0 ? " (run 'stripe-mirror reconcile --repair' to fix)" : '';
  return `done at ${run.endedAt ?? '-'}, ${drift}${repaired}`;
}

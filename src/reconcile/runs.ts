import type mongoose from 'mongoose';
import type { Document } from 'mongodb';
import type { ReconcileListReport, ReconcileReport } from './options.js';

/** Collection of the run documents: one per `reconcile()` run, for `stripe-mirror status` and dashboards. */
export const RUNS_COLLECTION = 'stripe_sync_runs';

/**
 * A run document in `stripe_sync_runs`:
 * ```js
 * { _id: 'reconcile:2026-01-31T12:00:00.000Z:k3j9', kind: 'reconcile', status: 'running' | 'done' | 'failed',
 *   startedAt, endedAt: Date | null, repair: true, accounts: [null], types: ['customer'], since: Date | null,
 *   totals: { missing, gone, stale, newer, equal, repaired }, lists: [ReconcileListReport…], error: string | null }
 * ```
 * It is inserted when the run starts (so a run that died shows as `running` with no end) and completed at the end.
 */
export interface RunDocument extends Document {
  _id: string;
  kind: 'reconcile';
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  endedAt: Date | null;
  repair: boolean;
  accounts: (string | null)[];
  types: string[];
  since: Date | null;
  totals: ReconcileReport['totals'] | null;
  lists: ReconcileListReport[];
  error: string | null;
}

/**
 * Writes the run documents of one connection.
 *
 * ```ts
 * const runs = new RunStore(mirror.connection);
 * const id = await runs.start({ repair: false, accounts: [null], types: ['customer'], since: null });
 * await runs.finish(id, report);
 * ```
 */
export class RunStore {
  readonly #connection: mongoose.Connection;

  constructor(connection: mongoose.Connection) {
    this.#connection = connection;
  }

  /** Records a run as started; returns its id. */
  async start(run: Pick<RunDocument, 'repair' | 'accounts' | 'types' | 'since'>): Promise<string> {
    const startedAt = new Date();
    const _id = `reconcile:${startedAt.toISOString()}:${Math.random().toString(36).slice(2, 6)}`;
    await this.#collection().insertOne({ _id, kind: 'reconcile', status: 'running', startedAt, endedAt: null, ...run, totals: null, lists: [], error: null });
    return _id;
  }

  /** Records the run's result. */
  async finish(id: string, report: Pick<ReconcileReport, 'totals' | 'lists' | 'endedAt'>): Promise<void> {
    await this.#collection().updateOne({ _id: id }, { $set: { status: 'done', endedAt: report.endedAt, totals: report.totals, lists: [...report.lists] } });
  }

  /** Records why the run stopped, with what the lists finished before it found. */
  async fail(id: string, error: unknown, lists: readonly ReconcileListReport[]): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.#collection().updateOne({ _id: id }, { $set: { status: 'failed', endedAt: new Date(), lists: [...lists], error: message } });
  }

  #collection() {
    return this.#connection.collection<RunDocument>(RUNS_COLLECTION);
  }
}

import { BENCH_ACCOUNT, withBenchAccount } from './harness/bench-account.js';
import { profilingNodeArgs } from './harness/profiling.js';
import { countStoredObjects, timedRun } from './harness/timed-run.js';
import { withDatabase } from './harness/stack.js';

/**
 * `stripe-mirror sync` of 100,000 objects from the testing kit's fake Stripe API (in this process) into the
 * embedded database (its own process): objects per second over the whole run, and the peak RSS of the backfill
 * process (VmHWM). Then, same data and same run, a naive loop doing one `findOneAndUpdate` per object, for the
 * speedup.
 */
export default async function backfillBench(): Promise<Record<string, number>> {
  return withBenchAccount(async ({ fake, db, types, apiFlags }) => {
    const total = Object.keys(BENCH_ACCOUNT).reduce((sum, type) => sum + fake.list(type).length, 0);

    const backfill = await timedRun('stripe-mirror sync', [
      ...profilingNodeArgs('sync'),
      'bin/stripe-mirror.js', 'sync', '--mongo', withDatabase(db.uri, 'bench_backfill'), ...apiFlags, '--json',
    ]);
    const stored = await countStoredObjects(db.uri, 'bench_backfill');
    if (stored !== total) throw new Error(`backfill stored ${stored} of ${total} objects\n${backfill.output}`);

    const naive = await timedRun('naive backfill', [
      '--import', 'tsx', 'bench/harness/naive-backfill-main.ts', withDatabase(db.uri, 'bench_backfill_naive'), 'bench_backfill_naive', fake.url, fake.apiKey, types,
    ]);
    return {
      backfill_objects_per_s: Math.round(total / backfill.seconds),
      backfill_peak_rss_mb: Math.round(backfill.peakRssMb),
      backfill_speedup_vs_naive: Number((naive.seconds / backfill.seconds).toFixed(2)),
    };
  });
}

import { BENCH_ACCOUNT, withBenchAccount } from './harness/bench-account.js';
import { profilingNodeArgs } from './harness/profiling.js';
import { timedRun } from './harness/timed-run.js';
import { withDatabase } from './harness/stack.js';

/** Customers deleted in Stripe, updated without an event, and created after the backfill. */
const DRIFT = 100;

/**
 * `stripe-mirror reconcile` of 100,000 objects (the backfill benchmark's data, backfilled with `stripe-mirror sync`
 * first) against the testing kit's fake Stripe API, after 100 customers were deleted, 100 updated and 100 created
 * behind the mirror's back, with `--repair`: objects compared per second over the whole run (process start to exit,
 * including the retrieves confirming the deletes and the 300 fixes) and the peak RSS of the reconcile process
 * (VmHWM). The run must report the drift exactly, or the benchmark fails.
 */
export default async function reconcileBench(): Promise<Record<string, number>> {
  return withBenchAccount(async ({ fake, db, apiFlags: api }) => {
    const mongo = withDatabase(db.uri, 'bench_reconcile');
    await timedRun('stripe-mirror sync (setup)', ['bin/stripe-mirror.js', 'sync', '--mongo', mongo, ...api]);

    const stripe = fake.client();
    const customers = fake.list('customer');
    for (const customer of customers.slice(0, DRIFT)) await stripe.customers.del(customer.id);
    for (const customer of customers.slice(DRIFT, 2 * DRIFT)) await stripe.customers.update(customer.id, { name: 'Changed behind the mirror' });
    for (let i = 0; i < DRIFT; i += 1) await stripe.customers.create({ email: `while-down-${i}@example.com` });

    // With --repair the run exits 0 (without it, drift left exits 3); the 300 fixes cost next to nothing.
    const run = await timedRun('stripe-mirror reconcile', [
      ...profilingNodeArgs('reconcile'), 'bin/stripe-mirror.js', 'reconcile', '--mongo', mongo, ...api, '--repair', '--json',
    ]);
    const summary = run.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { kind?: string; totals?: Record<string, number> })
      .find((line) => line.kind === 'summary');
    const expected = { missing: DRIFT, stale: DRIFT, gone: DRIFT };
    const totals = summary?.totals ?? {};
    if (Object.entries(expected).some(([kind, count]) => totals[kind] !== count)) {
      throw new Error(`reconcile reported ${JSON.stringify(totals)}, expected ${JSON.stringify(expected)}\n${run.output.slice(-2000)}`);
    }
    const compared = Object.values(BENCH_ACCOUNT).reduce((sum, count) => sum + count, 0);
    return {
      reconcile_objects_per_s: Math.round(compared / run.seconds),
      reconcile_peak_rss_mb: Math.round(run.peakRssMb),
    };
  });
}

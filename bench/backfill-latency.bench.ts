import { startDatabaseProcess, withDatabase } from './harness/stack.js';
import { countStoredObjects, timedRun } from './harness/timed-run.js';

const CUSTOMERS = 20_000;
/** Milliseconds the fake Stripe API waits before every response: a round trip to the real API is about 300 ms. */
const LATENCY_MS = 50;

/**
 * `stripe-mirror sync` of 20,000 customers from the testing kit's fake Stripe API answering after 50 ms, into the
 * embedded database (its own process): objects per second of one cursor walk (`--slices 1`) and of eight `created`
 * slices walked at once (`--slices 8 --concurrency 8`), same run, and their ratio. Latency, not CPU, bounds both.
 */
export default async function backfillLatencyBench(): Promise<Record<string, number>> {
  const { startFakeStripe } = await import('@stripe-mirror/testing');
  const fake = await startFakeStripe({ seed: 'none', latencyMs: LATENCY_MS });
  const db = await startDatabaseProcess();
  try {
    fake.generate('customer', CUSTOMERS);
    const sync = async (dbName: string, flags: string[]): Promise<number> => {
      const { seconds } = await timedRun(`sync ${flags.join(' ')}`, [
        'bin/stripe-mirror.js', 'sync', '--mongo', withDatabase(db.uri, dbName), '--stripe-key', fake.apiKey,
        '--api-base', fake.url, '--types', 'customer', '--rate', '100000', '--json', ...flags,
      ]);
      const stored = await countStoredObjects(db.uri, dbName);
      if (stored !== CUSTOMERS) throw new Error(`sync ${flags.join(' ')} stored ${stored} of ${CUSTOMERS} customers`);
      return seconds;
    };
    const whole = await sync('bench_latency_slices1', ['--slices', '1']);
    const sliced = await sync('bench_latency_slices8', ['--slices', '8', '--concurrency', '8']);
    return {
      backfill_latency_objects_per_s_slices1: Math.round(CUSTOMERS / whole),
      backfill_latency_objects_per_s_slices8: Math.round(CUSTOMERS / sliced),
      backfill_latency_slices_speedup: Number((whole / sliced).toFixed(2)),
    };
  } finally {
    await db.process.kill('SIGTERM');
    await fake.stop();
  }
}

import type { FakeStripe } from '@stripe-mirror/testing';
import { profilingNodeArgs } from './profiling.js';
import { startDatabaseProcess, type DatabaseProcess } from './stack.js';

/** The account the backfill and reconcile benchmarks walk: 100,000 objects of three listable types. */
export const BENCH_ACCOUNT = { customer: 60_000, product: 10_000, charge: 30_000 } as const;

/** What {@link withBenchAccount} hands its run: the fake API holding the account, the database, `--types` for them. */
export interface BenchAccount {
  fake: FakeStripe;
  db: DatabaseProcess;
  types: string;
  /** The `sync`/`reconcile` flags that point at the fake API, at an unlimited rate. */
  apiFlags: string[];
}

/**
 * Runs `run` against the testing kit's fake Stripe API (in this process) holding {@link BENCH_ACCOUNT}, with the
 * embedded database in its own process; both are stopped afterwards, also on failure.
 *
 * ```ts
 * return withBenchAccount(async ({ db, apiFlags }) => { … timedRun('stripe-mirror sync', [...apiFlags]) … });
 * ```
 */
export async function withBenchAccount<T>(run: (account: BenchAccount) => Promise<T>): Promise<T> {
  const { startFakeStripe } = await import('@stripe-mirror/testing');
  const fake = await startFakeStripe({ seed: 'none' });
  const db = await startDatabaseProcess({ nodeArgs: profilingNodeArgs('mongo') });
  try {
    for (const [type, count] of Object.entries(BENCH_ACCOUNT)) fake.generate(type as keyof typeof BENCH_ACCOUNT, count);
    const types = Object.keys(BENCH_ACCOUNT).join(',');
    const apiFlags = ['--stripe-key', fake.apiKey, '--api-base', fake.url, '--types', types, '--rate', '100000'];
    return await run({ fake, db, types, apiFlags });
  } finally {
    await db.process.kill('SIGTERM');
    await fake.stop();
  }
}

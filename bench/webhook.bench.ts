import { buildLifecycleStream, type WebhookEvent } from './harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from './harness/loadgen-process.js';
import type { LoadResult } from './harness/loadgen.js';
import { freePort, processCpuMs } from './harness/processes.js';
import { profilingNodeArgs } from './harness/profiling.js';
import { startDatabaseProcess, startHttpProcess, startServeProcess, withDatabase, type ServerProcess } from './harness/stack.js';

const SECRET = 'whsec_bench_webhook';

/**
 * Webhook throughput over loopback HTTP: `stripe-mirror serve`, the embedded database and the load generator each
 * in their own process, signed lifecycle events (fresh ids for each run, so every delivery applies). Then a bare
 * Koa route in the same run, for the ratio (this machine is shared: only same-run ratios compare).
 */
export default async function webhookBench(): Promise<Record<string, number>> {
  const db = await startDatabaseProcess({ nodeArgs: profilingNodeArgs('mongo') });
  let server: ServerProcess | undefined;
  try {
    server = await startServeProcess({ mongoUri: withDatabase(db.uri, 'bench_webhook'), secret: SECRET, nodeArgs: profilingNodeArgs('serve') });
    await deliver(server.webhookUrl, events(25, 1), 16);
    const c1 = await deliver(server.webhookUrl, events(50, 2), 1);
    const c16 = await deliver(server.webhookUrl, events(250, 3), 16);
    const c64Events = events(500, 4);
    const cpuBefore = await cpuOf(db.process.pid, server.process.pid);
    const c64 = await deliver(server.webhookUrl, c64Events, 64);
    const cpuAfter = await cpuOf(db.process.pid, server.process.pid);
    console.error(
      `bench: CPU ms per event at c64: database ${((cpuAfter[0] - cpuBefore[0]) / c64Events.length).toFixed(2)}, ` +
        `server ${((cpuAfter[1] - cpuBefore[1]) / c64Events.length).toFixed(2)}`,
    );
    await server.process.kill('SIGTERM');

    const port = await freePort();
    const koa = await startHttpProcess({ name: 'koa baseline', args: ['--import', 'tsx', 'bench/harness/koa-baseline-main.ts', String(port)], port, webhookPath: '/stripe/webhook' });
    const baseline = await deliver(koa.webhookUrl, c64Events, 64).finally(() => koa.process.kill('SIGTERM'));
    return {
      webhook_events_per_s_c1: round(c1.deliveriesPerSecond),
      webhook_events_per_s_c16: round(c16.deliveriesPerSecond),
      webhook_events_per_s_c64: round(c64.deliveriesPerSecond),
      webhook_p99_ms_c64: round(c64.latency.p99, 2),
      koa_baseline_per_s_c64: round(baseline.deliveriesPerSecond),
      webhook_vs_koa_baseline_ratio_c64: round(c64.deliveriesPerSecond / baseline.deliveriesPerSecond, 3),
    };
  } finally {
    await server?.process.kill('SIGTERM');
    await db.process.kill('SIGTERM');
  }
}

/** `customers` lifecycles (20 events each) with ids unique to `seed`, in `created` order. */
function events(customers: number, seed: number): WebhookEvent[] {
  return buildLifecycleStream({ customers, seed, duplicateRate: 0 }).inOrder;
}

async function deliver(url: string, batch: readonly WebhookEvent[], concurrency: number): Promise<LoadResult> {
  const load = await startLoadGenerator({
    url,
    secret: SECRET,
    concurrency,
    retry: STRIPE_LIKE_RETRY,
    deliveries: batch.map((event) => ({ body: JSON.stringify(event), sign: 'valid' })),
  });
  const result = await load.result;
  if (result.lost.length > 0) {
    throw new Error(`${result.lost.length} of ${result.deliveries} deliveries never got a 2xx: ${JSON.stringify(result.statusCounts)}`);
  }
  return result;
}

async function cpuOf(database: number, server: number): Promise<[number, number]> {
  return [await processCpuMs(database), await processCpuMs(server)];
}

function round(value: number, digits = 0): number {
  return Number(value.toFixed(digits));
}

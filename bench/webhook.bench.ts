import { buildLifecycleStream, type WebhookEvent } from './harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from './harness/loadgen-process.js';
import type { LoadResult } from './harness/loadgen.js';
import { freePort, processCpuMs } from './harness/processes.js';
import { profilingNodeArgs } from './harness/profiling.js';
import { startHttpProcess, startServeProcess, withDatabase, type ServerProcess } from './harness/stack.js';

const SECRET = 'whsec_bench_webhook';

type EmbeddedMongo = Awaited<ReturnType<typeof import('@stripe-mirror/embedded-mongo').startEmbeddedMongo>>;

/**
 * Webhook throughput over loopback HTTP: `stripe-mirror serve` and the load generator each in their own process, the
 * embedded database in this one (so its command counters can be read; this process does nothing else meanwhile).
 * Signed lifecycle events with fresh ids per run: in order at 1, 16 and 64 concurrent deliveries, then shuffled with
 * 15 % duplicates at the same concurrencies for the database commands per delivery. Then a bare Koa route in the same
 * run, for the ratio and its CPU per delivery (this machine is shared: only same-run ratios compare).
 */
export default async function webhookBench(): Promise<Record<string, number>> {
  const { startEmbeddedMongo } = await import('@stripe-mirror/embedded-mongo');
  const db = await startEmbeddedMongo();
  let server: ServerProcess | undefined;
  try {
    server = await startServeProcess({ mongoUri: withDatabase(db.uri, 'bench_webhook'), secret: SECRET, nodeArgs: profilingNodeArgs('serve') });
    const url = server.webhookUrl;
    await deliver(url, inOrder(25, 1), 16);
    const c1 = await deliver(url, inOrder(50, 2), 1);
    const c16 = await deliver(url, inOrder(250, 3), 16);
    const c64Events = inOrder(500, 4);
    const serveCpu = await cpuPerDelivery(server.process.pid, c64Events.length, () => deliver(url, c64Events, 64));
    const commands: Record<string, number> = {};
    for (const [concurrency, seed] of [[1, 5], [16, 6], [64, 7]] as const) {
      const stream = shuffled(concurrency === 1 ? 50 : 250, seed);
      commands[`db_commands_per_delivery_c${concurrency}`] = await commandsPerDelivery(db, () => deliver(url, stream, concurrency));
    }
    await server.process.kill('SIGTERM');

    const port = await freePort();
    const koa = await startHttpProcess({ name: 'koa baseline', args: ['--import', 'tsx', 'bench/harness/koa-baseline-main.ts', String(port)], port, webhookPath: '/stripe/webhook' });
    const koaCpu = await cpuPerDelivery(koa.process.pid, c64Events.length, () => deliver(koa.webhookUrl, c64Events, 64)).finally(() =>
      koa.process.kill('SIGTERM'),
    );
    const c64 = serveCpu.load;
    const baseline = koaCpu.load;
    console.error(`bench: CPU ms per delivery at c64: serve ${serveCpu.ms.toFixed(3)}, koa ${koaCpu.ms.toFixed(3)}; commands ${JSON.stringify(commands)}`);
    return {
      webhook_events_per_s_c1: round(c1.deliveriesPerSecond),
      webhook_events_per_s_c16: round(c16.deliveriesPerSecond),
      webhook_events_per_s_c64: round(c64.deliveriesPerSecond),
      webhook_p99_ms_c64: round(c64.latency.p99, 2),
      koa_baseline_per_s_c64: round(baseline.deliveriesPerSecond),
      webhook_vs_koa_baseline_ratio_c64: round(c64.deliveriesPerSecond / baseline.deliveriesPerSecond, 3),
      serve_cpu_ms_per_delivery_c64: round(serveCpu.ms, 3),
      koa_cpu_ms_per_delivery_c64: round(koaCpu.ms, 3),
      ...commands,
    };
  } finally {
    await server?.process.kill('SIGTERM');
    await db.stop();
  }
}

/** `customers` lifecycles (20 events each) with ids unique to `seed`, in `created` order. */
function inOrder(customers: number, seed: number): WebhookEvent[] {
  return buildLifecycleStream({ customers, seed, duplicateRate: 0 }).inOrder;
}

/** The same lifecycles shuffled, with 15 % of the events delivered twice. */
function shuffled(customers: number, seed: number): WebhookEvent[] {
  return buildLifecycleStream({ customers, seed, duplicateRate: 0.15 }).deliveries;
}

/** CPU ms the process spent per delivery while `run` delivered `deliveries` events. */
async function cpuPerDelivery(pid: number, deliveries: number, run: () => Promise<LoadResult>): Promise<{ ms: number; load: LoadResult }> {
  const before = await processCpuMs(pid);
  const load = await run();
  return { ms: ((await processCpuMs(pid)) - before) / deliveries, load };
}

/** Database commands (heartbeats excluded) per HTTP delivery (retries included) while `run` delivered. */
async function commandsPerDelivery(db: EmbeddedMongo, run: () => Promise<LoadResult>): Promise<number> {
  const before = db.stats().commands;
  const load = await run();
  return round((db.stats().commands - before) / load.attempts, 2);
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

function round(value: number, digits = 0): number {
  return Number(value.toFixed(digits));
}

import { processMemory } from './harness/processes.js';
import { startDatabaseProcess, startServeProcess, withDatabase } from './harness/stack.js';

const STARTS = 5;

/**
 * `stripe-mirror serve` against a running database: time from spawn to the first 200 on `GET /healthz` (median of
 * five cold starts), and its resident memory after two idle seconds.
 */
export default async function serveBench(): Promise<Record<string, number>> {
  const db = await startDatabaseProcess();
  try {
    const mongoUri = withDatabase(db.uri, 'bench_serve');
    const startMs: number[] = [];
    let idleRssMb = 0;
    for (let i = 0; i < STARTS; i++) {
      const server = await startServeProcess({ mongoUri, secret: 'whsec_bench_serve' });
      startMs.push(server.startMs);
      if (i === STARTS - 1) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        idleRssMb = (await processMemory(server.process.pid)).rssMb;
      }
      await server.process.kill('SIGTERM');
    }
    startMs.sort((a, b) => a - b);
    return { serve_cold_start_ms: Math.round(startMs[Math.floor(STARTS / 2)] ?? 0), serve_idle_rss_mb: Math.round(idleRssMb) };
  } finally {
    await db.process.kill('SIGTERM');
  }
}

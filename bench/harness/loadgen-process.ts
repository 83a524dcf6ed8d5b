import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Delivery, LoadResult, RetryPolicy } from './loadgen.js';
import { ManagedProcess } from './processes.js';

/** The job as the load-generator process reads it from stdin. */
export interface LoadProcessJob {
  url: string;
  secret: string;
  concurrency: number;
  retry: RetryPolicy | null;
  requestTimeoutMs?: number;
  /** NDJSON, one {@link Delivery} per line. */
  deliveriesFile: string;
  progressEvery: number;
}

/** A load generator running in its own process. Wait on `progress(n)` to act mid-stream (kill a server, say). */
export interface RunningLoad {
  process: ManagedProcess;
  result: Promise<LoadResult>;
  /** Resolves once `completed` deliveries are finished (a multiple of `progressEvery`). */
  progress(completed: number, timeoutMs?: number): Promise<void>;
}

/** Redelivery for fault runs: enough attempts and time to outlast a restart of the server or the database. */
export const STRIPE_LIKE_RETRY: RetryPolicy = { maxAttempts: 200, maxElapsedMs: 120_000, baseDelayMs: 25, maxDelayMs: 1_000 };

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the load generator in a separate node process (so its CPU is not the server's), hands it the deliveries
 * through a temporary file, and resolves `result` with what it measured.
 *
 * ```ts
 * const load = await startLoadGenerator({ url, secret, concurrency: 64, retry: STRIPE_LIKE_RETRY, deliveries });
 * await load.progress(5_000);         // mid-stream
 * await server.kill('SIGKILL');       // ... restart it
 * const { lost } = await load.result;
 * ```
 */
export async function startLoadGenerator(options: {
  url: string;
  secret: string;
  concurrency: number;
  retry: RetryPolicy | null;
  deliveries: readonly Delivery[];
  requestTimeoutMs?: number;
  progressEvery?: number;
}): Promise<RunningLoad> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stripe-mirror-load-'));
  const deliveriesFile = path.join(dir, 'deliveries.ndjson');
  await writeFile(deliveriesFile, options.deliveries.map((d) => JSON.stringify(d)).join('\n'));
  const job: LoadProcessJob = {
    url: options.url,
    secret: options.secret,
    concurrency: options.concurrency,
    retry: options.retry,
    deliveriesFile,
    progressEvery: options.progressEvery ?? 500,
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  };
  const child = ManagedProcess.start({
    name: 'load generator',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(here, 'loadgen-main.ts')],
    cwd: path.resolve(here, '../..'),
  });
  child.send(JSON.stringify(job));
  const result = (async (): Promise<LoadResult> => {
    try {
      const exit = await child.exited;
      const line = child.stdout().split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`load generator ended (code ${exit.code}, signal ${exit.signal}) without a result\n${child.output()}`);
      return JSON.parse(line.slice('RESULT '.length)) as LoadResult;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return {
    process: child,
    result,
    progress: async (completed, timeoutMs = 300_000) => {
      await child.waitForLine(new RegExp(`^PROGRESS ${completed}$`), timeoutMs);
    },
  };
}

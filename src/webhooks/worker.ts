import { DueEventFeed } from './due-feed.js';
import type { EventPipeline } from './pipeline.js';

/** Options of `startWorker`. */
export interface WorkerOptions {
  /** Events applied at the same time. Default 1 (applies a backlog one by one, in the order it fell due). */
  concurrency?: number;
  /** Wait between polls when nothing is due, in ms. Default 1 000. */
  pollMs?: number;
  /** Aborting it stops the worker like `stop()`. */
  signal?: AbortSignal;
}

/** A running queue worker. */
export interface EventWorker {
  /** Stops claiming new events and resolves once in-flight events are applied and recorded. */
  stop(): Promise<void>;
}

/**
 * The queue-mode worker: one query per poll fetches a batch of due event ids (pending, failed and due for retry, or
 * with an expired lease because its process crashed; soonest due first), and `concurrency` slots claim them one by one
 * with an atomic conditional update (a candidate another worker took is skipped), apply each, and record the outcome.
 * Failures retry with exponential backoff and are parked as `dead` after `maxAttempts`. An unreachable database is
 * logged and polled again.
 *
 * ```ts
 * const worker = handler.startWorker({ concurrency: 4 });
 * process.on('SIGTERM', () => void worker.stop());
 * ```
 */
export function startWorker(pipeline: EventPipeline, workerOptions: WorkerOptions = {}): EventWorker {
  const concurrency = Math.max(1, Math.floor(workerOptions.concurrency ?? 1));
  const pollMs = Math.max(1, workerOptions.pollMs ?? 1_000);
  const stopper = new AbortController();
  const stopped = stopper.signal;
  workerOptions.signal?.addEventListener('abort', () => stopper.abort(), { once: true });
  if (workerOptions.signal?.aborted) stopper.abort();

  const { leaseMs, logger } = pipeline.options;
  const feed = new DueEventFeed(() => pipeline.log.findDueIds(concurrency * CANDIDATES_PER_SLOT));

  /** One unit of work: claim and apply the next due candidate. False when there was nothing to do (or no database). */
  const step = async (): Promise<boolean> => {
    try {
      const id = await feed.next();
      if (id === undefined) return false;
      const claimed = await pipeline.log.claimDue(id, leaseMs);
      if (claimed) await pipeline.processClaimed(claimed, { source: 'webhook', deadLetter: true });
      return true;
    } catch (err) {
      logger.error('stripe event worker: event log unavailable', {
        message: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
  };
  const slot = async (): Promise<void> => {
    while (!stopped.aborted) {
      if (!(await step())) await sleep(pollMs, stopped);
    }
  };
  const slots = Array.from({ length: concurrency }, () => slot());
  return {
    async stop() {
      stopper.abort();
      await Promise.all(slots);
    },
  };
}

/** Due candidates fetched per poll for each slot: enough to keep slots busy, few enough to stay fresh. */
const CANDIDATES_PER_SLOT = 4;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

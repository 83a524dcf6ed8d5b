import { claimNextDue } from './event-log.js';
import type { EventHooks } from './hooks.js';
import type { ProcessingOptions } from './options.js';
import { processClaimed } from './process.js';

/** Options of `startWorker`. */
export interface WorkerOptions {
  /** Events applied at the same time. Default 1 (keeps a backlog in `created` order). */
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
 * The queue-mode worker: each slot claims the next due event (pending, failed and due for retry, or with an expired
 * lease because its process crashed), applies it, and records the outcome; failures retry with exponential backoff
 * and are parked as `dead` after `maxAttempts`. An unreachable database is logged and polled again.
 *
 * ```ts
 * const worker = startWorker({ options, hooks }, { concurrency: 4 });
 * process.on('SIGTERM', () => void worker.stop());
 * ```
 */
export function startWorker(
  pipeline: { options: ProcessingOptions; hooks: EventHooks },
  workerOptions: WorkerOptions = {},
): EventWorker {
  const concurrency = Math.max(1, Math.floor(workerOptions.concurrency ?? 1));
  const pollMs = Math.max(1, workerOptions.pollMs ?? 1_000);
  const stopper = new AbortController();
  const stopped = stopper.signal;
  workerOptions.signal?.addEventListener('abort', () => stopper.abort(), { once: true });
  if (workerOptions.signal?.aborted) stopper.abort();

  const slot = async (): Promise<void> => {
    while (!stopped.aborted) {
      let worked = false;
      try {
        const claimed = await claimNextDue(pipeline.options.mirror, pipeline.options.leaseMs);
        if (claimed) {
          await processClaimed(claimed, pipeline, { source: 'webhook', deadLetter: true });
          worked = true;
        }
      } catch (err) {
        pipeline.options.logger.error('stripe event worker: event log unavailable', {
          message: err instanceof Error ? err.message : String(err),
        });
      }
      if (!worked) await sleep(pollMs, stopped);
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

import { applyStripeEvent, type ApplyResult } from './apply.js';
import { markDone, markFailed, type ClaimedEvent, type EventSource } from './event-log.js';
import type { EventHooks } from './hooks.js';
import type { ProcessingOptions } from './options.js';

/** The outcome of processing a claimed event, already recorded in the event log. */
export type ProcessOutcome =
  | { status: ApplyResult['status']; report: ApplyResult['report'] }
  | { status: 'failed' | 'dead'; error: unknown };

/**
 * Applies an event this process holds the lease on and records the outcome: `processed`/`ignored`, or `failed`
 * with the scrubbed error and the time of the next attempt (`dead` once `maxAttempts` is reached when `deadLetter`).
 * Costs at most one round trip beyond the apply itself (concurrent `processed`/`ignored` marks share one, see
 * `markDone`). Throws only when the event log cannot record the outcome.
 */
export async function processClaimed(
  claimed: ClaimedEvent,
  pipeline: { options: ProcessingOptions; hooks: EventHooks },
  how: { source: EventSource; deadLetter: boolean },
): Promise<ProcessOutcome> {
  const { options } = pipeline;
  const { event, attempts } = claimed;
  try {
    const result = await applyStripeEvent(event, {
      mirror: options.mirror,
      refetch: options.refetch,
      logger: options.logger,
      source: how.source,
      hooks: pipeline.hooks,
    });
    await markDone(options.mirror, event.id, result.status);
    return { status: result.status, report: result.report };
  } catch (error) {
    const dead = how.deadLetter && attempts >= options.maxAttempts;
    await markFailed(options.mirror, event.id, error, { dead, nextAttemptAt: nextAttemptAt(attempts, options) });
    options.logger.warn(dead ? 'stripe event parked as dead' : 'stripe event failed', {
      id: event.id,
      type: event.type,
      attempts,
      code: errorCode(error),
    });
    return { status: dead ? 'dead' : 'failed', error };
  }
}

/** Exponential backoff: `backoffBaseMs * 2^(attempts - 1)`, capped at `backoffMaxMs`. */
export function nextAttemptAt(attempts: number, options: Pick<ProcessingOptions, 'backoffBaseMs' | 'backoffMaxMs'>): Date {
  const delay = Math.min(options.backoffBaseMs * 2 ** Math.max(0, attempts - 1), options.backoffMaxMs);
  return new Date(Date.now() + delay);
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'error';
}

import type { WebhookEvent } from '../harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from '../harness/loadgen-process.js';

/** A webhook endpoint under measurement and how to read its costs. */
export interface MeasuredSide {
  webhookUrl: string;
  /** CPU ms so far of the server process and of the database (all its processes). */
  cpuMs(): Promise<{ server: number; database: number }>;
  /** Starts counting database operations; the returned function reads how many ran since. */
  countDatabaseOps(): Promise<() => Promise<number>>;
}

/** What one delivery run of one side measured. */
export interface RunFigures {
  eventsPerS: number;
  p99Ms: number;
  deliveries: number;
  attempts: number;
  /** Deliveries never answered 2xx (the peer answers 400 to a failure, which Stripe does not retry). */
  failed: number;
  databaseOpsPerDelivery: number;
  cpuMsPerDelivery: { server: number; database: number };
}

/**
 * Delivers `events` (signed, Stripe-style redelivery on 5xx/409/429) to `side` at `concurrency` from a load
 * generator process of its own, and reads the side's CPU and database operations around the run.
 *
 * ```ts
 * const figures = await measureRun(ours, stream.deliveries, 16, SECRET);
 * figures.eventsPerS; figures.cpuMsPerDelivery.database;
 * ```
 */
export async function measureRun(side: MeasuredSide, events: readonly WebhookEvent[], concurrency: number, secret: string): Promise<RunFigures> {
  const deliveries = events.map((event) => ({ body: JSON.stringify(event), sign: 'valid' as const }));
  const opsSince = await side.countDatabaseOps();
  const cpuBefore = await side.cpuMs();
  const load = await startLoadGenerator({ url: side.webhookUrl, secret, concurrency, retry: STRIPE_LIKE_RETRY, deliveries });
  const result = await load.result;
  const cpuAfter = await side.cpuMs();
  const ops = await opsSince();
  const n = result.deliveries;
  return {
    eventsPerS: result.deliveriesPerSecond,
    p99Ms: result.latency.p99,
    deliveries: n,
    attempts: result.attempts,
    failed: result.lost.length,
    databaseOpsPerDelivery: ops / n,
    cpuMsPerDelivery: { server: (cpuAfter.server - cpuBefore.server) / n, database: (cpuAfter.database - cpuBefore.database) / n },
  };
}

/** Median, min and max of a non-empty sample. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[], digits: number): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median: round(median, digits), min: round(sorted[0] ?? NaN, digits), max: round(sorted.at(-1) ?? NaN, digits) };
}

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

import http from 'node:http';
import Stripe from 'stripe';
import { Histogram, type LatencySummary } from './histogram.js';

/**
 * How a delivery is signed: `valid` as Stripe signs it; the others are forgeries a server must answer 400 (never
 * 2xx): another endpoint's secret, no header, a garbled header, an hour-old timestamp, a signature over other bytes.
 */
export type SignMode = 'valid' | 'wrong-secret' | 'missing' | 'malformed' | 'stale' | 'tampered';

/** One webhook POST: the exact bytes to send and how to sign them. */
export interface Delivery {
  body: string;
  sign: SignMode;
}

/**
 * Stripe-style redelivery: a delivery answered 5xx, 409 or 429, or that hit a connection error, is sent again after
 * an exponential backoff, until `maxAttempts` or `maxElapsedMs` (measured from its first attempt) runs out.
 */
export interface RetryPolicy {
  maxAttempts: number;
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A load run: what to send where, how many at once. */
export interface LoadJob {
  url: string;
  secret: string;
  concurrency: number;
  deliveries: readonly Delivery[];
  /** `null`: one attempt per delivery (fuzz runs want the first answer). */
  retry: RetryPolicy | null;
  /** Per-request timeout; a timeout counts as a connection error. */
  requestTimeoutMs?: number;
  /** Called after each finished delivery with the number finished so far. */
  onProgress?: (completed: number) => void;
}

/** What a load run observed. `finalStatuses[i]` is delivery i's last answer (0: connection error or timeout). */
export interface LoadResult {
  deliveries: number;
  succeeded: number;
  /** Indexes of deliveries never answered 2xx. */
  lost: number[];
  attempts: number;
  connectionErrors: number;
  /** Every answer seen, by status code (`0` = connection error). */
  statusCounts: Record<string, number>;
  finalStatuses: number[];
  durationMs: number;
  /** Finished deliveries per second over the run (2xx or not). */
  deliveriesPerSecond: number;
  /** Latency of each HTTP attempt. */
  latency: LatencySummary;
}

const WRONG_SECRET = 'whsec_not_the_endpoint_secret';

/**
 * Delivers signed webhook events at a fixed concurrency over keep-alive HTTP, as Stripe would (including
 * redelivery), and measures throughput and latency. Run it in its own process (see `runLoadGenerator`) so its CPU
 * does not count against the server being measured.
 *
 * ```ts
 * const result = await deliverAll({ url, secret, concurrency: 64, deliveries, retry: STRIPE_LIKE_RETRY });
 * result.lost.length // -> 0
 * ```
 */
export async function deliverAll(job: LoadJob): Promise<LoadResult> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  const latencies = new Histogram();
  const statusCounts: Record<string, number> = {};
  const finalStatuses = new Array<number>(job.deliveries.length).fill(0);
  let attempts = 0;
  let connectionErrors = 0;
  let next = 0;
  let completed = 0;

  const attempt = async (delivery: Delivery): Promise<number> => {
    attempts++;
    const started = performance.now();
    const status = await post(agent, target, delivery.body, signatureHeader(delivery, job.secret), job.requestTimeoutMs ?? 30_000);
    latencies.record(performance.now() - started);
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status === 0) connectionErrors++;
    return status;
  };

  const deliver = async (index: number, delivery: Delivery): Promise<void> => {
    const firstAttempt = Date.now();
    let status = await attempt(delivery);
    for (let n = 1; job.retry && shouldRetry(status) && n < job.retry.maxAttempts; n++) {
      const delay = Math.min(job.retry.maxDelayMs, job.retry.baseDelayMs * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
      if (Date.now() + delay - firstAttempt > job.retry.maxElapsedMs) break;
      await new Promise((r) => setTimeout(r, delay));
      status = await attempt(delivery);
    }
    finalStatuses[index] = status;
    completed++;
    job.onProgress?.(completed);
  };

  const worker = async (): Promise<void> => {
    while (next < job.deliveries.length) {
      const index = next++;
      await deliver(index, job.deliveries[index] as Delivery);
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.deliveries.length) }, worker));
  const durationMs = performance.now() - started;
  agent.destroy();

  const lost = finalStatuses.flatMap((status, index) => (status >= 200 && status < 300 ? [] : [index]));
  return {
    deliveries: job.deliveries.length,
    succeeded: job.deliveries.length - lost.length,
    lost,
    attempts,
    connectionErrors,
    statusCounts,
    finalStatuses,
    durationMs,
    deliveriesPerSecond: (job.deliveries.length * 1000) / durationMs,
    latency: latencies.summary(),
  };
}

/** Stripe retries on server errors and on no answer; 409 (another delivery holds the event) and 429 likewise. */
function shouldRetry(status: number): boolean {
  return status === 0 || status === 409 || status === 429 || status >= 500;
}

function signatureHeader(delivery: Delivery, secret: string): string | undefined {
  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}): string =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? secret, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
  switch (delivery.sign) {
    case 'valid':
      return sign(delivery.body);
    case 'wrong-secret':
      return sign(delivery.body, { secret: WRONG_SECRET });
    case 'missing':
      return undefined;
    case 'malformed':
      return `t=${Math.floor(Date.now() / 1000)},v1=not-hex-at-all`;
    case 'stale':
      return sign(delivery.body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    case 'tampered':
      return sign(`${delivery.body} `);
  }
}

function post(agent: http.Agent, target: URL, body: string, signature: string | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    if (signature !== undefined) headers['stripe-signature'] = signature;
    const request = http.request(
      { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', () => resolve(0));
      },
    );
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', () => resolve(0));
    request.end(body);
  });
}

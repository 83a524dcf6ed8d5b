import { buildLifecycleStream, type WebhookEvent } from '../../../bench/harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from '../../../bench/harness/loadgen-process.js';
import type { LoadResult } from '../../../bench/harness/loadgen.js';
import { checkNewestVersions, compareMirrors, type MirrorDifference, type StoredDocument } from '../../../bench/harness/oracle.js';
import { Cluster, SECRET, sleep } from './cluster.js';
import { expectedMirror } from './expected-mirror.js';

/** What goes wrong mid-stream, once `at` deliveries are done. */
export type Fault =
  | { kind: 'none' }
  | { kind: 'kill-server'; at: number; downMs: number }
  | { kind: 'database-outage'; at: number; downMs: number }
  | { kind: 'kill-worker'; at: number; downMs: number };

/** One load run: the same code drives the full suite (20,000 events) and the reduced one in `npm test`. */
export interface LoadScenario {
  customers: number;
  seed: number;
  duplicateRate: number;
  concurrency: number;
  mode: 'sync' | 'queue';
  fault: Fault;
}

/** Everything the assertions look at. */
export interface LoadOutcome {
  events: number;
  load: LoadResult;
  /** Event ids the `*` hook saw more than once. */
  appliedTwice: string[];
  /** Event ids the `*` hook never saw. */
  neverApplied: string[];
  /** `stripe_events` by status. */
  statuses: Record<string, number>;
  eventsStored: number;
  /** Against in-order application of the same events. */
  difference: MirrorDifference;
  /** Against the newest version of each object in the stream (independent of the library). */
  newestProblems: string[];
  /** How long the deliveries took. */
  seconds: number;
  /** For objects missing or different: the log entries of the events that carried them (for failure messages). */
  evidence: string;
}

/**
 * Delivers a shuffled lifecycle stream with duplicates at fixed concurrency with Stripe-style redelivery, injects
 * the fault, waits until every event is settled (queue mode: applied by the worker), and collects the outcome.
 */
export async function runLoadScenario(scenario: LoadScenario): Promise<LoadOutcome> {
  const stream = buildLifecycleStream({ customers: scenario.customers, seed: scenario.seed, duplicateRate: scenario.duplicateRate });
  const expected = expectedMirror(`${scenario.customers}:${scenario.seed}`, stream.inOrder);
  const cluster = await Cluster.start({ mode: scenario.mode, dbName: `reliability_${scenario.fault.kind.replace('-', '_')}` });
  try {
    const started = performance.now();
    const load = await startLoadGenerator({
      url: cluster.webhookUrl,
      secret: SECRET,
      concurrency: scenario.concurrency,
      retry: STRIPE_LIKE_RETRY,
      deliveries: stream.deliveries.map((event) => ({ body: JSON.stringify(event), sign: 'valid' })),
      progressEvery: 'at' in scenario.fault ? scenario.fault.at : 1_000_000,
    });
    await injectFault(cluster, scenario.fault, load.progress);
    const result = await load.result;
    const seconds = (performance.now() - started) / 1000;
    if (scenario.mode === 'queue') await waitUntilSettled(cluster, stream.inOrder.length, Math.max(60_000, stream.inOrder.length * 30));
    return await collectOutcome(cluster, stream.inOrder, await expected, result, seconds);
  } finally {
    await cluster.stop();
  }
}

async function injectFault(cluster: Cluster, fault: Fault, progress: (n: number) => Promise<void>): Promise<void> {
  if (fault.kind === 'none') return;
  await progress(fault.at);
  if (fault.kind === 'kill-server') await cluster.killServer(fault.downMs);
  else if (fault.kind === 'database-outage') await cluster.databaseOutage(fault.downMs);
  else await cluster.killWorker(fault.downMs);
}

/** Queue mode answers before applying: poll until every stored event has left pending/processing/failed. */
async function waitUntilSettled(cluster: Cluster, events: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const settled = await cluster.db.collection('stripe_events').countDocuments({ status: { $in: ['processed', 'ignored', 'dead'] } });
    if (settled >= events) return;
    await sleep(200);
  }
}

async function collectOutcome(
  cluster: Cluster,
  inOrder: readonly WebhookEvent[],
  expected: StoredDocument[],
  load: LoadResult,
  seconds: number,
): Promise<LoadOutcome> {
  const applications = await cluster.applications();
  const eventDocs = await cluster.db.collection('stripe_events').find({}, { projection: { status: 1 } }).toArray();
  const statuses: Record<string, number> = {};
  for (const doc of eventDocs) statuses[String(doc.status)] = (statuses[String(doc.status)] ?? 0) + 1;
  const actual = (await cluster.db.collection('stripe_objects').find({}).toArray()) as StoredDocument[];
  const difference = compareMirrors(actual, expected);
  return {
    events: inOrder.length,
    load,
    appliedTwice: [...applications].filter(([, n]) => n > 1).map(([id]) => id),
    neverApplied: inOrder.filter((event) => !applications.has(event.id)).map((event) => event.id),
    statuses,
    eventsStored: eventDocs.length,
    difference,
    newestProblems: checkNewestVersions(inOrder, actual),
    seconds,
    evidence: await evidence(cluster, inOrder, [...difference.missing, ...difference.different.map((d) => d.id)], applications),
  };
}

async function evidence(cluster: Cluster, inOrder: readonly WebhookEvent[], ids: readonly string[], applications: Map<string, number>): Promise<string> {
  const lines: string[] = [];
  for (const id of ids.slice(0, 5)) {
    const stored = await cluster.db.collection('stripe_objects').findOne({ _id: id } as object, { projection: { _mirror: 1 } });
    lines.push(`${id} stored ${JSON.stringify(stored?._mirror)}`);
    for (const event of inOrder.filter((e) => e.data.object.id === id)) {
      const logged = await cluster.db.collection('stripe_events').findOne({ _id: event.id } as object, { projection: { status: 1, attempts: 1, lastError: 1 } });
      lines.push(`${id} <- ${event.id} ${event.type}: ${JSON.stringify(logged)} applied ${applications.get(event.id) ?? 0}x`);
    }
  }
  return lines.join('\n');
}

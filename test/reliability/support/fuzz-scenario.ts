import { isDeepStrictEqual } from 'node:util';
import { buildFuzzCases, countByKind, type FuzzCase } from '../../../bench/harness/fuzz.js';
import { buildLifecycleStream, type StripeObjectJson, type WebhookEvent } from '../../../bench/harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from '../../../bench/harness/loadgen-process.js';
import type { Delivery, LoadResult } from '../../../bench/harness/loadgen.js';
import { firstDifference, type StoredDocument } from '../../../bench/harness/oracle.js';
import { processMemory } from '../../../bench/harness/processes.js';
import { healthStatus } from '../../../bench/harness/stack.js';
import { Cluster, SECRET } from './cluster.js';

/** A fuzz run: `count` hostile deliveries after a set of well-formed "canary" lifecycles. */
export interface FuzzScenario {
  count: number;
  seed: number;
  concurrency: number;
}

export interface FuzzOutcome {
  kinds: Record<string, number>;
  statusCounts: Record<string, number>;
  /** Deliveries that must be rejected but got a 2xx, with their kind. */
  acceptedForgeries: string[];
  serverAlive: boolean;
  rssMb: { afterCanaries: number; afterHalf: number; afterAll: number; peak: number };
  /** Canary documents (in `stripe_objects` or `stripe_events`) that differ after the fuzz run. */
  changedCanaries: string[];
  /** Operator-like or dotted keys of accepted events not stored literally as sent. */
  keysNotStoredAsData: string[];
}

/**
 * Mirrors canary lifecycles, snapshots them, delivers the fuzz cases in two halves (one attempt each, no retries:
 * the first answer is what is judged) while sampling the server's memory, then checks the server still answers,
 * forgeries were never accepted, canaries are untouched, and hostile keys were stored as data.
 */
export async function runFuzzScenario(scenario: FuzzScenario): Promise<FuzzOutcome> {
  const canaries = buildLifecycleStream({ customers: 10, seed: scenario.seed + 1, duplicateRate: 0 }).inOrder;
  const seeds = buildLifecycleStream({ customers: 10, seed: scenario.seed + 2, duplicateRate: 0 }).inOrder;
  const cases = buildFuzzCases(seeds, { count: scenario.count, seed: scenario.seed });
  const cluster = await Cluster.start({ mode: 'sync', dbName: 'reliability_fuzz' });
  try {
    await send(cluster, canaries.map((event) => ({ body: JSON.stringify(event), sign: 'valid' })), 8, true);
    const snapshot = await canarySnapshot(cluster, canaries);
    const afterCanaries = (await processMemory(cluster.server.pid)).rssMb;
    const half = Math.floor(cases.length / 2);
    const first = await send(cluster, cases.slice(0, half).map((c) => c.delivery), scenario.concurrency, false);
    const afterHalf = (await processMemory(cluster.server.pid)).rssMb;
    const second = await send(cluster, cases.slice(half).map((c) => c.delivery), scenario.concurrency, false);
    const memory = await processMemory(cluster.server.pid);
    const statuses = [...first.finalStatuses, ...second.finalStatuses];
    const statusCounts: Record<string, number> = {};
    for (const status of statuses) statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    return {
      kinds: countByKind(cases),
      statusCounts,
      acceptedForgeries: cases.flatMap((c, i) => (c.mustReject && is2xx(statuses[i]) ? [`${c.kind}/${c.delivery.sign} -> ${statuses[i]}`] : [])),
      serverAlive: cluster.server.running && (await healthStatus(cluster.port)) === 200,
      rssMb: { afterCanaries, afterHalf, afterAll: memory.rssMb, peak: memory.peakRssMb },
      changedCanaries: diffSnapshot(snapshot, await canarySnapshot(cluster, canaries)),
      keysNotStoredAsData: await keysNotStoredAsData(cluster, cases, statuses),
    };
  } finally {
    await cluster.stop();
  }
}

async function send(cluster: Cluster, deliveries: Delivery[], concurrency: number, retry: boolean): Promise<LoadResult> {
  const load = await startLoadGenerator({ url: cluster.webhookUrl, secret: SECRET, concurrency, retry: retry ? STRIPE_LIKE_RETRY : null, deliveries, requestTimeoutMs: 60_000 });
  return load.result;
}

function is2xx(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

/** Every document the canary events wrote or logged, by collection and id. */
async function canarySnapshot(cluster: Cluster, canaries: readonly WebhookEvent[]): Promise<Map<string, StoredDocument>> {
  const eventIds = canaries.map((event) => event.id);
  const objectIds = [...new Set(canaries.map((event) => event.data.object.id))];
  const events = await cluster.db.collection('stripe_events').find({ _id: { $in: eventIds } } as object).toArray();
  const objects = await cluster.db.collection('stripe_objects').find({ _id: { $in: objectIds } } as object).toArray();
  const snapshot = new Map<string, StoredDocument>();
  for (const doc of events) snapshot.set(`stripe_events/${String(doc._id)}`, doc as StoredDocument);
  for (const doc of objects) snapshot.set(`stripe_objects/${String(doc._id)}`, doc as StoredDocument);
  return snapshot;
}

function diffSnapshot(before: Map<string, StoredDocument>, after: Map<string, StoredDocument>): string[] {
  const changed = [...before].filter(([key, doc]) => !isDeepStrictEqual(after.get(key), doc)).map(([key]) => key);
  return before.size === 0 ? ['no canary documents were stored'] : changed;
}

/**
 * Every accepted, well-formed event is logged in `stripe_events` exactly as sent (each top-level key, bookkeeping
 * aside), and when its version of the object is the stored one (`_mirror.sourceId`), every top-level key of the
 * object holding a scalar or a plain id-less object (metadata and the like) is stored under exactly that key with
 * exactly that value: a `$set`, `$where` or `a.b` key stays data, never an operator or a path.
 */
async function keysNotStoredAsData(cluster: Cluster, cases: readonly FuzzCase[], statuses: readonly number[]): Promise<string[]> {
  const accepted = cases.flatMap((c, i) => {
    if (!is2xx(statuses[i]) || c.mustReject) return [];
    const event = parseEvent(c.delivery.body);
    return event ? [event] : [];
  });
  const byId = async (collection: string, ids: string[]): Promise<Map<string, StoredDocument>> =>
    new Map((await cluster.db.collection(collection).find({ _id: { $in: ids } } as object).toArray()).map((doc) => [String(doc._id), doc as StoredDocument]));
  const objects = await byId('stripe_objects', accepted.map((event) => event.data.object.id));
  const logged = await byId('stripe_events', accepted.map((event) => event.id));
  const problems: string[] = [];
  const check = (where: string, key: string, storedValue: unknown, sent: unknown): void => {
    const stored = asUtf8(storedValue);
    if (isDeepStrictEqual(stored, sent)) return;
    const at = firstDifference(stored, sent);
    const path = at.path ? `${key}.${at.path}` : key;
    problems.push(`${where} ${JSON.stringify(path)}: stored ${JSON.stringify(at.actual)?.slice(0, 120)}, sent ${JSON.stringify(at.expected)?.slice(0, 120)}`);
  };
  for (const event of accepted) {
    const entry = logged.get(event.id);
    for (const [key, value] of Object.entries(asUtf8(event) as Record<string, unknown>)) {
      if (EVENT_LOG_BOOKKEEPING.has(key)) continue;
      check(`stripe_events ${event.id}`, key, entry?.[key], value);
    }
    const doc = objects.get(event.data.object.id);
    const mirror = doc?._mirror as { sourceId?: unknown } | undefined;
    if (!doc || mirror?.sourceId !== event.id) continue;
    for (const [key, value] of Object.entries(asUtf8(event.data.object) as Record<string, unknown>)) {
      if (!isDataLike(value) || key === 'id' || key === 'object') continue;
      check(`stripe_objects ${event.id}`, key, doc[key], value);
    }
  }
  return problems;
}

/** Fields the event log adds to the event as sent. */
const EVENT_LOG_BOOKKEEPING = new Set(['status', 'attempts', 'lastError', 'receivedAt', 'processedAt', 'leaseUntil', 'nextAttemptAt', 'stripeAccount', '_mirror']);

/**
 * What a value looks like after a round trip through BSON, whose strings are UTF-8: lone surrogates (valid in a JS
 * string, not in UTF-8) become U+FFFD, in keys and values, as with any MongoDB driver. Applied to both sides, it
 * also leaves out `__proto__` keys: the embedded server drops them on some writes (a real MongoDB keeps them); the
 * fuzz run sends them to prove they pollute nothing.
 */
function asUtf8(value: unknown): unknown {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('utf8');
  if (Array.isArray(value)) return value.map(asUtf8);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([k]) => k !== '__proto__');
  return Object.fromEntries(entries.map(([k, v]) => [asUtf8(k), asUtf8(v)]));
}

function isDataLike(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return typeof value === 'object' && !Array.isArray(value) && !('id' in (value as object)) && !('object' in (value as object));
}

function parseEvent(body: string): (WebhookEvent & { data: { object: StripeObjectJson } }) | undefined {
  try {
    const event = JSON.parse(body) as WebhookEvent;
    const ok = typeof event?.id === 'string' && typeof event.data?.object?.id === 'string';
    return ok ? event : undefined;
  } catch {
    return undefined;
  }
}

import type { Delivery, SignMode } from './loadgen.js';
import type { WebhookEvent } from './lifecycle-stream.js';
import { Random } from './random.js';

/** One fuzz delivery and what the server may answer to it. */
export interface FuzzCase {
  delivery: Delivery;
  /** Which mutation produced it (for failure messages and the tally). */
  kind: string;
  /** Unverified or unparseable: any 2xx answer is a bug. */
  mustReject: boolean;
  /** A well-formed event whose metadata keys look like operators: once answered 2xx, the object must hold exactly this. */
  expectStored?: { id: string; metadata: Record<string, string> };
}

/** Keys that would act as MongoDB operators or paths, or as JavaScript prototype hooks, if code used them unescaped. */
export const HOSTILE_KEYS = ['$set', '$where', '$gt', '$ne', '$inc', '$unset', '$rename', 'a.b', '.', '$', 'x.y.z', '__proto__', 'constructor', 'prototype', ''];

const FORGERIES: readonly SignMode[] = ['wrong-secret', 'missing', 'malformed', 'stale', 'tampered'];
const UNICODE = ['é', 'ß', '名前', '🚀', '👩‍👩‍👧', '\u200b', '\u202e', '\ud800', '\udfff', '\u0000', '\n', '"', '\\', '%s', '{{x}}'];

/**
 * Turns well-formed events into `count` hostile deliveries (deterministic for a seed): forged, stale and missing
 * signatures over any body; truncated JSON and garbage with a valid signature; oversized bodies; and signed events
 * with random fields added, deleted or retyped, huge strings and arrays, deep nesting, odd unicode, operator-like and
 * dotted keys (in metadata and elsewhere), and ids that are objects (`{ "$ne": null }`) instead of strings. Every
 * event and object id is made unique to this run (prefix `fz`), so documents outside the fuzz run can be checked to
 * stay untouched.
 *
 * ```ts
 * const cases = buildFuzzCases(inOrder.slice(0, 200), { count: 10_000, seed: 3 });
 * cases.filter((c) => c.mustReject).length // forged and unparseable ones, about 40 %
 * ```
 */
export function buildFuzzCases(seeds: readonly WebhookEvent[], options: { count: number; seed: number }): FuzzCase[] {
  const rng = new Random(options.seed);
  const cases: FuzzCase[] = [];
  for (let n = 0; n < options.count; n++) {
    const event = renamed(structuredClone(rng.pick(seeds)), n);
    const roll = rng.next();
    if (roll < 0.25) {
      mutate(event, rng, rng.int(0, 3));
      cases.push({ delivery: { body: JSON.stringify(event), sign: rng.pick(FORGERIES) }, kind: 'forged', mustReject: true });
    } else if (roll < 0.32) {
      const body = JSON.stringify(event);
      cases.push({ delivery: { body: body.slice(0, rng.int(0, body.length - 1)), sign: 'valid' }, kind: 'truncated', mustReject: true });
    } else if (roll < 0.35) {
      cases.push({ delivery: { body: garbage(rng), sign: 'valid' }, kind: 'not-json', mustReject: true });
    } else if (roll < 0.353) {
      event.data.object.description = 'x'.repeat(1_100_000);
      cases.push({ delivery: { body: JSON.stringify(event), sign: 'valid' }, kind: 'oversized', mustReject: true });
    } else if (roll < 0.403) {
      const metadata = Object.fromEntries(HOSTILE_KEYS.filter((k) => k !== '__proto__').map((k) => [k, rng.string(8)]));
      event.data.object.metadata = metadata;
      event.type = `${event.data.object.object}.updated`;
      cases.push({ delivery: { body: JSON.stringify(event), sign: 'valid' }, kind: 'operator-keys', mustReject: false, expectStored: { id: event.data.object.id, metadata } });
    } else {
      const kind = mutate(event, rng, rng.int(1, 4));
      cases.push({ delivery: { body: JSON.stringify(event), sign: 'valid' }, kind, mustReject: false });
    }
  }
  return cases;
}

/** Gives the event and every object id in it a `fz<n>` suffix so fuzz writes never touch other documents. */
function renamed(event: WebhookEvent, n: number): WebhookEvent {
  const suffix = `fz${n}`;
  event.id = `evt_${suffix}`;
  walk(event.data.object, (node) => {
    if (typeof node.id === 'string') node.id = `${node.id}${suffix}`;
  });
  return event;
}

type Mutation = (event: WebhookEvent, rng: Random) => void;

const MUTATIONS: Record<string, Mutation> = {
  'add-field': (event, rng) => {
    const target = rng.pick(objectsIn(event));
    target[rng.chance(0.5) ? rng.pick(HOSTILE_KEYS) : randomKey(rng)] = randomValue(rng, 3);
  },
  'retype-field': (event, rng) => {
    const target = rng.pick(objectsIn(event));
    const keys = Object.keys(target);
    if (keys.length > 0) target[rng.pick(keys)] = randomValue(rng, 2);
  },
  'delete-field': (event, rng) => {
    const target = rng.pick(objectsIn(event));
    const keys = Object.keys(target);
    if (keys.length > 0) delete target[rng.pick(keys)];
  },
  'hostile-metadata': (event, rng) => {
    event.data.object.metadata = { [rng.pick(HOSTILE_KEYS)]: randomValue(rng, 2), [randomKey(rng)]: rng.string(5) };
  },
  'deep-nesting': (event, rng) => {
    let nested: unknown = rng.string(4);
    for (let depth = rng.int(20, 1_000); depth > 0; depth--) nested = rng.chance(0.5) ? [nested] : { [rng.pick(['a', '$a', 'a.b'])]: nested };
    rng.pick(objectsIn(event))[randomKey(rng)] = nested;
  },
  huge: (event, rng) => {
    rng.pick(objectsIn(event))[randomKey(rng)] = rng.chance(0.5) ? 'y'.repeat(rng.int(10_000, 200_000)) : Array.from({ length: rng.int(1_000, 5_000) }, (_, i) => i);
  },
  unicode: (event, rng) => {
    const target = rng.pick(objectsIn(event));
    target[unicodeString(rng)] = unicodeString(rng);
  },
  'operator-id': (event, rng) => {
    const hostile = rng.pick<unknown>([{ $ne: null }, { $gt: '' }, { $exists: true }, ['cus_a', 'cus_b'], 42, null, '']);
    if (rng.chance(0.5)) event.data.object.id = hostile as string;
    else event.id = hostile as string;
  },
  'odd-type': (event, rng) => {
    const odd = rng.pick<unknown>(['$where', 'constructor', '__proto__', 'no_such_object', '', 42, null, undefined]);
    if (rng.chance(0.5)) event.data.object.object = odd as string;
    else event.type = rng.pick<unknown>(['$where.created', 'customer.', '.', 'x'.repeat(5_000), 42, null, undefined]) as string;
  },
  'odd-created': (event, rng) => {
    event.created = rng.pick<unknown>([-1, 0, 1e300, 2 ** 63, '1767225600', null, undefined, 1.5, { $gt: 0 }]) as number;
  },
  'no-data': (event, rng) => {
    const data = rng.pick<unknown>([null, {}, [], 'x', { object: null }, { object: [] }, undefined]);
    (event as { data: unknown }).data = data;
  },
};

function mutate(event: WebhookEvent, rng: Random, times: number): string {
  const applied: string[] = [];
  for (let i = 0; i < times; i++) {
    const name = rng.pick(Object.keys(MUTATIONS));
    if (event.data === null || typeof event.data !== 'object' || event.data.object === null || typeof event.data.object !== 'object') break;
    MUTATIONS[name]?.(event, rng);
    applied.push(name);
  }
  return applied.join('+') || 'unchanged';
}

function objectsIn(event: WebhookEvent): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [event as unknown as Record<string, unknown>];
  walk(event.data.object, (node) => found.push(node));
  return found;
}

/** Visits the objects under `node`, down to a depth that keeps clear of the nests `deep-nesting` builds. */
function walk(node: unknown, visit: (node: Record<string, unknown>) => void, depth = 0): void {
  if (depth > 30) return;
  if (Array.isArray(node)) for (const item of node) walk(item, visit, depth + 1);
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const value of Object.values(node)) walk(value, visit, depth + 1);
  }
}

function randomKey(rng: Random): string {
  return rng.chance(0.3) ? unicodeString(rng) : rng.string(rng.int(1, 12), 'abcdefghijklmnopqrstuvwxyz_.$');
}

function unicodeString(rng: Random): string {
  return Array.from({ length: rng.int(1, 6) }, () => rng.pick(UNICODE)).join('');
}

function randomValue(rng: Random, depth: number): unknown {
  const kinds = ['string', 'number', 'boolean', 'null', 'unicode', 'big-number', 'array', 'object'];
  switch (rng.pick(depth > 0 ? kinds : kinds.slice(0, 6))) {
    case 'string':
      return rng.string(rng.int(0, 40));
    case 'number':
      return rng.pick([0, -0, 1, -1, 3.14, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER]);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'unicode':
      return unicodeString(rng);
    case 'big-number':
      return rng.pick([1e308, 2 ** 63, -(2 ** 64), 1e-320]);
    case 'array':
      return Array.from({ length: rng.int(0, 5) }, () => randomValue(rng, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [rng.chance(0.4) ? rng.pick(HOSTILE_KEYS) : randomKey(rng), randomValue(rng, depth - 1)]));
  }
}

function garbage(rng: Random): string {
  return rng.pick(['', 'null', '[]', '"event"', '{', 'undefined', '<xml/>', unicodeString(rng), '{"id": "evt_x", "type": }', rng.string(rng.int(1, 2_000))]);
}

/** Tally of cases by kind, for reports. */
export function countByKind(cases: readonly FuzzCase[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of cases) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  return counts;
}

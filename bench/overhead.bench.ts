import { createHmac, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import { loadDist } from './harness/dist.js';
import { buildLifecycleStream } from './harness/lifecycle-stream.js';

const SECRET = 'whsec_bench_overhead';
const ROUNDS = 7;

/**
 * The library's CPU cost per event without I/O (verify the signature, parse, route, normalize and extract nested
 * objects, build the guarded upserts), divided by the floor any webhook endpoint pays for the same payload
 * (HMAC-SHA256 verify + `JSON.parse`). Both measured in this process in alternating rounds over the same 2,000
 * lifecycle events; the median round of each counts.
 */
export default async function overheadBench(): Promise<Record<string, number>> {
  const { verifyStripeWebhook } = await loadDist<typeof import('../src/webhooks/index.js')>('webhooks/index.js');
  const { routeEvent } = await loadDist<typeof import('../src/webhooks/route.js')>('webhooks/route.js');
  const { planStripeWrites } = await loadDist<typeof import('../src/sync/index.js')>('sync/index.js');
  const { expandableFields } = await loadDist<typeof import('../src/models/expandable.js')>('models/expandable.js');

  const payloads = buildLifecycleStream({ customers: 100, seed: 5, duplicateRate: 0 }).inOrder.map((event) => {
    const body = JSON.stringify(event);
    return { body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) };
  });
  const options = { secrets: [SECRET], tolerance: 300 };
  let sink = 0;

  const library = (): void => {
    for (const { body, header } of payloads) {
      const event = verifyStripeWebhook(body, { 'stripe-signature': header }, options);
      const route = routeEvent(event);
      if (!route) throw new Error(`no route for ${event.type}`);
      const writes = planStripeWrites(
        [route.object],
        { watermark: event.created, source: 'webhook', sourceId: event.id, stripeAccount: null, apiVersion: event.api_version, deleted: route.tombstone },
        { expandableFields },
      );
      sink += writes.length;
    }
  };
  const floor = (): void => {
    for (const { body, header } of payloads) {
      const [t, v1] = header.split(',').map((part) => part.slice(part.indexOf('=') + 1));
      const expected = createHmac('sha256', SECRET).update(`${t}.${body}`).digest();
      if (!timingSafeEqual(expected, Buffer.from(v1 ?? '', 'hex'))) throw new Error('bad signature');
      sink += (JSON.parse(body) as { created: number }).created > 0 ? 1 : 0;
    }
  };

  const libraryMs: number[] = [];
  const floorMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    libraryMs.push(cpuMs(library));
    floorMs.push(cpuMs(floor));
  }
  if (sink === 0) throw new Error('nothing measured');
  const perEvent = (ms: number[]): number => median(ms) / payloads.length;
  console.error(`bench: CPU µs per event: library ${(perEvent(libraryMs) * 1000).toFixed(1)}, floor ${(perEvent(floorMs) * 1000).toFixed(1)}`);
  return { overhead_ratio_vs_verify_parse: Number((median(libraryMs) / median(floorMs)).toFixed(2)) };
}

function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

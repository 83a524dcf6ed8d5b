import { buildLifecycleStream, type StripeObjectJson, type WebhookEvent } from './harness/lifecycle-stream.js';
import { startLoadGenerator, STRIPE_LIKE_RETRY } from './harness/loadgen-process.js';
import { startServeProcess } from './harness/stack.js';

const SECRET = 'whsec_bench_round_trips';
const EVENTS = 200;

type EmbeddedMongo = Awaited<ReturnType<typeof import('@stripe-mirror/embedded-mongo').startEmbeddedMongo>>;

/**
 * MongoDB commands per applied webhook event, counted by the embedded server itself (heartbeats excluded), for
 * plain events (`customer.created`) and for events whose object nests expanded objects two levels deep
 * (`customer.subscription.updated` with `customer`, `default_payment_method` and `latest_invoice`, which in turn has
 * its `customer`, expanded). The database runs in this process so its counters can be read; the server is
 * `stripe-mirror serve`, delivering one event at a time.
 */
export default async function roundTripsBench(): Promise<Record<string, number>> {
  const { startEmbeddedMongo } = await import('@stripe-mirror/embedded-mongo');
  const mongo = await startEmbeddedMongo();
  const server = await startServeProcess({ mongoUri: mongo.uri.replace('/?', '/bench_round_trips?'), secret: SECRET });
  try {
    const lifecycles = buildLifecycleStream({ customers: EVENTS + 10, seed: 11, duplicateRate: 0 }).inOrder;
    const plain = lifecycles.filter((event) => event.type === 'customer.created');
    const nested = lifecycles.filter((event) => event.type === 'customer.subscription.updated').map((event) => expandSubscriptionEvent(event, lifecycles));
    await countCommands(mongo, server.webhookUrl, plain.slice(0, 10));
    const plainCount = await countCommands(mongo, server.webhookUrl, plain.slice(10, 10 + EVENTS));
    const nestedCount = await countCommands(mongo, server.webhookUrl, nested.slice(0, EVENTS));
    return { db_round_trips_per_event_plain: plainCount, db_round_trips_per_event_nested: nestedCount };
  } finally {
    await server.process.kill('SIGTERM');
    await mongo.stop();
  }
}

async function countCommands(mongo: EmbeddedMongo, url: string, events: readonly WebhookEvent[]): Promise<number> {
  const before = mongo.stats();
  const load = await startLoadGenerator({
    url,
    secret: SECRET,
    concurrency: 1,
    retry: STRIPE_LIKE_RETRY,
    deliveries: events.map((event) => ({ body: JSON.stringify(event), sign: 'valid' })),
  });
  const result = await load.result;
  if (result.lost.length > 0 || result.attempts !== events.length) throw new Error(`deliveries failed or retried: ${JSON.stringify(result.statusCounts)}`);
  const after = mongo.stats();
  const byName = Object.entries(after.commandsByName)
    .map(([name, n]) => [name, (n - (before.commandsByName[name] ?? 0)) / events.length] as const)
    .filter(([, n]) => n > 0);
  console.error(`bench: commands per event: ${JSON.stringify(Object.fromEntries(byName))}`);
  return Number(((after.commands - before.commands) / events.length).toFixed(2));
}

/** The subscription event with its customer, payment method and latest invoice (itself with its customer) expanded. */
function expandSubscriptionEvent(event: WebhookEvent, all: readonly WebhookEvent[]): WebhookEvent {
  const latest = (id: unknown): StripeObjectJson | undefined => all.filter((e) => e.data.object.id === id).at(-1)?.data.object;
  const subscription = structuredClone(event.data.object);
  const customer = latest(subscription.customer);
  const invoice = structuredClone(latest(subscription.latest_invoice));
  if (!customer || !invoice) throw new Error(`lifecycle of ${subscription.id} is incomplete`);
  invoice.customer = customer;
  subscription.customer = customer;
  subscription.default_payment_method = latest(subscription.default_payment_method) ?? null;
  subscription.latest_invoice = invoice;
  return { ...event, id: `${event.id}_nested`, data: { object: subscription } };
}

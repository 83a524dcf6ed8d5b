import mongoose from 'mongoose';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { backfill } from '../../src/backfill/index.js';
import { prometheusMetrics } from '../../src/metrics/index.js';
import { renderExposition } from '../../src/metrics/exposition.js';
import { createStripeMirror } from '../../src/models/mirror.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { fakeStripeMirror } from '../backfill/helpers.js';
import { expect } from '../support/chai.js';
import { deliver, eventually, fixtureEvents, SECRET, startWebhookServer, withId, type WebhookServer } from '../webhooks/support.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The value of the sample of `name` whose labels include `labels`, as a number; undefined when there is none. */
function sample(families: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = families
    .find((family) => family.name === name)
    ?.metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value));
  return found?.value === undefined ? undefined : Number(found.value);
}

function fixture(file: string) {
  const found = fixtureEvents('current').find((entry) => entry.file === file);
  if (!found) throw new Error(`no fixture ${file}`);
  return found.event;
}

describe('prometheusMetrics()', function () {
  this.timeout(20_000);
  let server: WebhookServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('exposes counters, outcomes per event type and the apply-latency histogram in text a Prometheus parser reads', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection: mongoose.connection }) });
    server = await startWebhookServer({ handler });
    const created = fixture('customer.created.json');
    expect((await deliver(server.url, created)).status).to.equal(200);
    expect((await deliver(server.url, created)).status).to.equal(200);
    expect((await deliver(server.url, fixture('invoice.paid.json'))).status).to.equal(200);
    expect((await deliver(server.url, created, { secret: 'whsec_wrong' })).status).to.equal(400);

    const text = await prometheusMetrics(handler);
    const families = parsePrometheusTextFormat(text);
    expect(sample(families, 'stripe_mirror_webhook_requests_total')).to.equal(4);
    expect(sample(families, 'stripe_mirror_webhook_deliveries_total', { status: 'processed' })).to.equal(2);
    expect(sample(families, 'stripe_mirror_webhook_deliveries_total', { status: 'duplicate' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_webhook_rejected_total', { reason: 'signature_mismatch' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_events_total', { type: 'customer.created', status: 'processed' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_events_total', { type: 'customer.created', status: 'duplicate' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_events_total', { type: 'invoice.paid', status: 'processed' })).to.equal(1);
    expect(families.find((f) => f.name === 'stripe_mirror_webhook_requests_total')?.type).to.equal('COUNTER');

    const histogram = families.find((family) => family.name === 'stripe_mirror_event_apply_duration_seconds');
    expect(histogram?.type).to.equal('HISTOGRAM');
    const [series] = histogram?.metrics ?? [];
    expect(Number(series?.count)).to.equal(2);
    expect(Number(series?.buckets?.['+Inf'])).to.equal(2);
    const counts = Object.entries(series?.buckets ?? {})
      .map(([le, count]) => [le === '+Inf' ? Infinity : Number(le), Number(count)] as const)
      .sort(([a], [b]) => a - b)
      .map(([, count]) => count);
    expect(counts).to.deep.equal([...counts].sort((a, b) => a - b));
    expect(Number(series?.sum)).to.be.above(0);
  });

  it('gauges failed and dead events and the lag behind the newest processed event, from the database', async () => {
    const mirror = createStripeMirror({ connection: mongoose.connection });
    const sync = createWebhookHandler({ secrets: [SECRET], mirror }).on('customer.updated', () => {
      throw new Error('hook down');
    });
    server = await startWebhookServer({ handler: sync });
    const applied = fixture('invoice.paid.json');
    expect((await deliver(server.url, applied)).status).to.equal(200);
    expect((await deliver(server.url, fixture('customer.updated.json'))).status).to.equal(500);

    const queue = createWebhookHandler({ secrets: [SECRET], mirror, mode: 'queue', maxAttempts: 1 }).on('*', () => {
      throw new Error('hook down');
    });
    const queued = await startWebhookServer({ handler: queue });
    expect((await deliver(queued.url, withId(fixture('charge.succeeded.json'), 'evt_metrics_dead'))).status).to.equal(202);
    await queued.close();
    const worker = queue.startWorker({ pollMs: 10 });
    await eventually(async () => (await mongoose.connection.collection('stripe_events').countDocuments({ status: 'dead' })) === 1);
    await worker.stop();

    const families = parsePrometheusTextFormat(await prometheusMetrics(sync));
    expect(sample(families, 'stripe_mirror_database_up')).to.equal(1);
    expect(sample(families, 'stripe_mirror_event_log_events', { status: 'failed' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_event_log_events', { status: 'dead' })).to.equal(1);
    expect(sample(families, 'stripe_mirror_event_log_events', { status: 'pending' })).to.equal(0);
    const lag = sample(families, 'stripe_mirror_lag_seconds') ?? NaN;
    expect(lag).to.be.closeTo(Date.now() / 1000 - applied.created, 5);
    expect(sample(parsePrometheusTextFormat(await prometheusMetrics(queue)), 'stripe_mirror_events_total', { type: 'charge.succeeded', status: 'dead' })).to.equal(1);
  });

  it('reports backfill progress per type from the checkpoints, a sliced list counted once', async () => {
    const { fake, mirror } = await fakeStripeMirror();
    try {
      fake.generate('customer', 250);
      await backfill({ mirror, types: ['customer', 'coupon'], ratePerSecond: 1000, slices: 2, concurrency: 2 });
      const families = parsePrometheusTextFormat(await prometheusMetrics(createWebhookHandler({ secrets: [SECRET], mirror })));
      expect(sample(families, 'stripe_mirror_backfill_objects', { type: 'customer' })).to.equal(250);
      expect(sample(families, 'stripe_mirror_backfill_lists', { type: 'customer', state: 'done' })).to.equal(1);
      expect(sample(families, 'stripe_mirror_backfill_lists', { type: 'customer', state: 'unfinished' })).to.equal(0);
      expect(sample(families, 'stripe_mirror_backfill_objects', { type: 'coupon' })).to.equal(0);
      expect(await mongoose.connection.collection('stripe_sync_checkpoints').countDocuments({ 'slice.parent': 'platform:customer' })).to.equal(2);
    } finally {
      await fake.stop();
    }
  });

  it('still renders the process counters, with stripe_mirror_database_up 0, when the database does not answer', async () => {
    const unreachable = mongoose.createConnection('mongodb://127.0.0.1:1/none', { serverSelectionTimeoutMS: 200 });
    unreachable.on('error', () => undefined);
    try {
      const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection: unreachable }) });
      const started = Date.now();
      const families = parsePrometheusTextFormat(await prometheusMetrics(handler, { timeoutMs: 300 }));
      expect(Date.now() - started).to.be.below(2000);
      expect(sample(families, 'stripe_mirror_database_up')).to.equal(0);
      expect(sample(families, 'stripe_mirror_webhook_requests_total')).to.equal(0);
      expect(families.map((family) => family.name)).not.to.include('stripe_mirror_lag_seconds');
    } finally {
      await unreachable.close();
    }
  });

  it('reads nothing from the database with database: false', async () => {
    const text = await prometheusMetrics(createWebhookHandler({ secrets: [SECRET] }), { database: false });
    const names = parsePrometheusTextFormat(text).map((family) => family.name);
    expect(names).to.include('stripe_mirror_webhook_rejected_total');
    expect(names).not.to.include('stripe_mirror_database_up');
  });
});

describe('renderExposition()', () => {
  it('escapes label values and help text so a parser reads them back exactly', () => {
    const text = renderExposition([
      { name: 'odd_total', help: 'Back\\slash and\nnewline.', type: 'counter', samples: [{ labels: { path: 'C:\\dir "x"\nnext' }, value: 1 }] },
      { name: 'empty', help: 'No samples, no family.', type: 'gauge', samples: [] },
      { name: 'edge', help: 'Infinity.', type: 'gauge', samples: [{ value: Infinity }] },
    ]);
    const families = parsePrometheusTextFormat(text);
    expect(families.map((family) => family.name)).to.deep.equal(['odd_total', 'edge']);
    expect(families[0]?.metrics[0]?.labels).to.deep.equal({ path: 'C:\\dir "x"\nnext' });
    expect(families[1]?.metrics[0]?.value).to.equal('+Inf');
  });
});

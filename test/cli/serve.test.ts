import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { deliverWebhook } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { freePort, jsonLines, startCli, type CliProcess } from './support/cli.js';

const SECRET = 'whsec_cli_serve_test';
const SCENARIO = fileURLToPath(new URL('../fixtures/events/current/scenario.ndjson', import.meta.url));

/** The first event of scenario.ndjson (product.created). */
function scenarioEvent(): { id: string; type: string; data: { object: { id: string } } } {
  const [first] = readFileSync(SCENARIO, 'utf8').split('\n');
  return JSON.parse(first ?? '{}') as { id: string; type: string; data: { object: { id: string } } };
}

/** Starts `serve` on a free port and returns it with its base URL. */
async function startServe(dbName: string, ...extra: string[]): Promise<{ cli: CliProcess; url: string }> {
  const cli = startCli(['serve', '--mongo', withDatabase(testMongoUri(), dbName), '--port', '0', '--webhook-secret', SECRET, ...extra]);
  const line = await cli.waitForLine(/^listening on http:\/\//);
  return { cli, url: /(http:\/\/\S+)/.exec(line)?.[1] ?? '' };
}

function storedObject(dbName: string, id: string) {
  return mongoose.connection.getClient().db(dbName).collection<{ _id: string }>('stripe_objects').findOne({ _id: id });
}

describe('stripe-mirror serve', function () {
  this.timeout(30_000);

  describe('in sync mode', () => {
    let cli: CliProcess;
    let url: string;

    before(async () => {
      ({ cli, url } = await startServe('cli_serve_sync'));
    });

    after(async () => {
      await cli.stop('SIGKILL');
    });

    it('answers GET /healthz (liveness) and GET /readyz (MongoDB writable) with 200', async () => {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ ok: true });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.equal({ ready: true, mongo: 'writable' });
    });

    it('applies a signed delivery before answering 200', async () => {
      const delivered = await deliverWebhook(`${url}/stripe/webhook`, scenarioEvent(), { secret: SECRET });
      expect(delivered.status).to.equal(200);
      expect(await storedObject('cli_serve_sync', scenarioEvent().data.object.id)).to.not.equal(null);
    });

    it('refuses a delivery signed with another secret with 400', async () => {
      const forged = await deliverWebhook(`${url}/stripe/webhook`, scenarioEvent(), { secret: 'whsec_wrong' });
      expect(forged.status).to.equal(400);
    });

    it('serves GET /metrics as Prometheus text counting the deliveries so far', async () => {
      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      const families = parsePrometheusTextFormat(await response.text());
      const value = (name: string, labels: Record<string, string> = {}) =>
        families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
      expect(value('stripe_mirror_webhook_requests_total')).to.equal('2');
      expect(value('stripe_mirror_webhook_rejected_total', { reason: 'signature_mismatch' })).to.equal('1');
      expect(value('stripe_mirror_events_total', { type: scenarioEvent().type, status: 'processed' })).to.equal('1');
      expect(value('stripe_mirror_database_up')).to.equal('1');
    });

    it('shuts down on SIGTERM with exit 0, never printing the secret', async () => {
      const result = await cli.stop('SIGTERM');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout + result.stderr).not.to.include(SECRET);
    });
  });

  it('in queue mode answers 202 once stored and applies the event in its worker', async () => {
    const { cli, url } = await startServe('cli_serve_queue', '--mode', 'queue', '--path', '/hooks/stripe');
    try {
      const delivered = await deliverWebhook(`${url}/hooks/stripe`, scenarioEvent(), { secret: SECRET });
      expect(delivered.status).to.equal(202);
      const deadline = Date.now() + 10_000;
      while (!(await storedObject('cli_serve_queue', scenarioEvent().data.object.id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await storedObject('cli_serve_queue', scenarioEvent().data.object.id)).to.not.equal(null);
    } finally {
      expect((await cli.stop('SIGINT')).code).to.equal(0);
    }
  });

  it('answers /healthz and /readyz 200 on every poll for 15 s, idle, against `stripe-mirror mongo`', async function () {
    this.timeout(60_000);
    const mongo = startCli(['mongo', '--port', '0']);
    const uri = await mongo.waitForLine(/^mongodb:\/\//);
    const cli = startCli(['serve', '--mongo', uri, '--port', '0', '--webhook-secret', SECRET]);
    try {
      const url = /(http:\/\/\S+)/.exec(await cli.waitForLine(/^listening on http:\/\//))?.[1] ?? '';
      const statuses = new Map<string, number>();
      const end = Date.now() + 15_000;
      while (Date.now() < end) {
        const tick = Date.now();
        for (const probe of ['/healthz', '/readyz']) {
          const { status } = await fetch(`${url}${probe}`);
          statuses.set(`${probe} ${status}`, (statuses.get(`${probe} ${status}`) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 250 - (Date.now() - tick))));
      }
      expect([...statuses.keys()].sort()).to.deep.equal(['/healthz 200', '/readyz 200']);
      expect(statuses.get('/readyz 200')).to.be.at.least(50);
    } finally {
      await cli.stop('SIGKILL');
      await mongo.stop('SIGKILL');
    }
  });

  it('answers /readyz 503 while its MongoDB is down, and /healthz 200 all along', async () => {
    const mongo = await startEmbeddedMongo();
    const cli = startCli(['serve', '--mongo', mongo.uri, '--port', '0', '--webhook-secret', SECRET]);
    try {
      const url = /(http:\/\/\S+)/.exec(await cli.waitForLine(/^listening on http:\/\//))?.[1] ?? '';
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);
      await mongo.stop();
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.include({ ready: false, mongo: 'unreachable' });
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    } finally {
      await cli.stop('SIGKILL');
      await mongo.stop();
    }
  });

  it('drains after SIGTERM: /readyz 503 for --drain-delay while deliveries are still applied, then exit 0', async () => {
    const { cli, url } = await startServe('cli_serve_drain', '--drain-delay', '3');
    cli.child.kill('SIGTERM');
    const deadline = Date.now() + 2000;
    let ready = await fetch(`${url}/readyz`);
    while (ready.status === 200 && Date.now() < deadline) ready = await fetch(`${url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.equal({ ready: false, draining: true });
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    expect((await deliverWebhook(`${url}/stripe/webhook`, scenarioEvent(), { secret: SECRET })).status).to.equal(200);
    const result = await cli.exited();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/^draining: \/readyz answers 503 for 3 s before closing$/m);
  });

  it('binds to PORT and HOST from the environment when no flag says otherwise', async () => {
    const port = await freePort();
    const cli = startCli(['serve', '--mongo', withDatabase(testMongoUri(), 'cli_serve_env'), '--webhook-secret', SECRET], {
      env: { PORT: String(port), HOST: '127.0.0.1' },
    });
    try {
      expect(await cli.waitForLine(/^listening on /)).to.match(new RegExp(`^listening on http://127\\.0\\.0\\.1:${port} `));
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
    } finally {
      expect((await cli.stop('SIGTERM')).code).to.equal(0);
    }
  });

  it('with --log-format json prints one JSON object per line, accepted events at info and rejections with their reason', async () => {
    const cli = startCli(['serve', '--mongo', withDatabase(testMongoUri(), 'cli_serve_json'), '--port', '0', '--webhook-secret', SECRET, '--log-format', 'json']);
    const listening = JSON.parse(await cli.waitForLine(/"msg":"listening"/)) as { url: string };
    expect((await deliverWebhook(`${listening.url}/stripe/webhook`, scenarioEvent(), { secret: SECRET })).status).to.equal(200);
    expect((await deliverWebhook(`${listening.url}/stripe/webhook`, scenarioEvent(), { secret: 'whsec_wrong' })).status).to.equal(400);
    const result = await cli.stop('SIGTERM');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    const records = jsonLines(result.stdout);
    expect(records).to.have.length(lines.length);
    for (const record of records) {
      expect(Object.keys(record).slice(0, 3)).to.deep.equal(['level', 'time', 'msg']);
      expect(Number.isNaN(Date.parse(String(record.time)))).to.equal(false);
    }
    const applied = records.find((r) => r.msg === 'stripe event applied');
    expect(applied).to.include({ level: 'info', id: scenarioEvent().id, type: scenarioEvent().type, status: 'processed', source: 'webhook' });
    expect(records.find((r) => r.msg === 'stripe webhook rejected')).to.include({ level: 'warn', reason: 'signature_mismatch' });
    expect(result.stderr).to.equal('');
  });

  it('starts an embedded MongoDB when no --mongo is configured, and says so', async () => {
    const cli = startCli(['serve', '--port', '0', '--webhook-secret', SECRET]);
    const line = await cli.waitForLine(/^mongo: /);
    expect(line).to.match(/^mongo: mongodb:\/\/127\.0\.0\.1:\d+\/.*\(embedded, data is lost on exit\)$/);
    expect((await cli.stop('SIGTERM')).code).to.equal(0);
  });
});

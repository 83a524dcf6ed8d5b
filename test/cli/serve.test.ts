import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { deliverWebhook } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { startCli, type CliProcess } from './support/cli.js';

const SECRET = 'whsec_cli_serve_test';
const SCENARIO = fileURLToPath(new URL('../fixtures/events/current/scenario.ndjson', import.meta.url));

/** The first event of scenario.ndjson (customer.created). */
function scenarioEvent(): { id: string; data: { object: { id: string } } } {
  const [first] = readFileSync(SCENARIO, 'utf8').split('\n');
  return JSON.parse(first ?? '{}') as { id: string; data: { object: { id: string } } };
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

    it('answers GET /healthz with 200 while MongoDB is connected', async () => {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.include({ ok: true, mongo: 'connected' });
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

  it('starts an embedded MongoDB when no --mongo is configured, and says so', async () => {
    const cli = startCli(['serve', '--port', '0', '--webhook-secret', SECRET]);
    const line = await cli.waitForLine(/^mongo: /);
    expect(line).to.match(/^mongo: mongodb:\/\/127\.0\.0\.1:\d+\/.*\(embedded, data is lost on exit\)$/);
    expect((await cli.stop('SIGTERM')).code).to.equal(0);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { createStripeMirror } from '../../src/models/mirror.js';
import { signWebhookPayload } from '@stripe-mirror/testing';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { runCli } from './support/cli.js';

const SECRET = 'whsec_cli_reprocess_test';
const SCENARIO = fileURLToPath(new URL('../fixtures/events/current/scenario.ndjson', import.meta.url));

describe('stripe-mirror reprocess', function () {
  this.timeout(30_000);
  let connection: mongoose.Connection;

  before(async () => {
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'cli_reprocess' }).asPromise();
    const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection }) });
    for (const rawBody of readFileSync(SCENARIO, 'utf8').split('\n').filter(Boolean).slice(0, 3)) {
      await handler.handle({ rawBody, headers: { 'stripe-signature': signWebhookPayload(rawBody, SECRET) } });
    }
  });

  after(async () => {
    await connection.close();
  });

  it('applies every stored event again and prints the counts', async () => {
    const result = await runCli(['reprocess', '--json', '--mongo', withDatabase(testMongoUri(), 'cli_reprocess')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ matched: 3, failed: 0 });
  });

  it('filters by event type with --type', async () => {
    const result = await runCli(['reprocess', '--json', '--type', 'customer.created', '--mongo', withDatabase(testMongoUri(), 'cli_reprocess')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ matched: 1 });
  });

  it('matches nothing with --failed when every event succeeded', async () => {
    const result = await runCli(['reprocess', '--failed', '--mongo', withDatabase(testMongoUri(), 'cli_reprocess')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^reprocessed 0 events/);
  });
});

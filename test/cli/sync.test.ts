import mongoose from 'mongoose';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { jsonLines, runCli, startCli } from './support/cli.js';

describe('stripe-mirror sync', function () {
  this.timeout(60_000);
  let fake: FakeStripe;
  let connection: mongoose.Connection;

  before(async () => {
    // A little latency per request keeps a 10,000-object run long enough to interrupt mid-way on a fast machine.
    fake = await startFakeStripe({ seed: 'none', latencyMs: 10 });
    fake.generate('customer', 10_000);
    fake.generate('product', 150);
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'cli_sync' }).asPromise();
  });

  after(async () => {
    await connection.close();
    await fake.stop();
  });

  const syncArgs = (dbName: string, ...extra: string[]): string[] => [
    'sync', '--mongo', withDatabase(testMongoUri(), dbName), '--stripe-key', fake.apiKey, '--api-base', fake.url,
    '--types', 'customer', '--rate', '1000', ...extra,
  ];
  const countIn = (dbName: string): Promise<number> =>
    connection.getClient().db(dbName).collection('stripe_objects').countDocuments({ object: 'customer' });

  it('backfills 10,000 objects into exactly 10,000 documents, waiting out a 429 in the middle', async () => {
    const cli = startCli(syncArgs('cli_sync_full', '--json'));
    await cli.waitForLine(/"pages":5,/);
    fake.failNext({ status: 429, retryAfterSeconds: 1, path: /^\/v1\/customers$/ });
    const result = await cli.exited();
    expect(result.code, result.stderr).to.equal(0);
    const lines = jsonLines(result.stdout);
    expect(lines.some((l) => l.kind === 'progress' && l.waitingMs === 1000)).to.equal(true);
    const summary = lines.find((l) => l.kind === 'summary') as { lists: { objects: number }[] } | undefined;
    expect(summary?.lists[0]?.objects).to.equal(10_000);
    expect(await countIn('cli_sync_full')).to.equal(10_000);
  });

  it('resumes a run killed halfway (SIGKILL) and ends with the same 10,000 documents', async () => {
    const killed = startCli(syncArgs('cli_sync_killed', '--json'));
    await killed.waitForLine(/"pages":30,/);
    const { signal } = await killed.stop('SIGKILL');
    expect(signal).to.equal('SIGKILL');
    const partial = await countIn('cli_sync_killed');
    expect(partial).to.be.within(3_000, 9_999);
    const requestsBefore = fake.requests.length;

    const resumed = await runCli(syncArgs('cli_sync_killed'));
    expect(resumed.code, resumed.stderr).to.equal(0);
    const first = fake.requests.slice(requestsBefore).find((r) => r.path === '/v1/customers');
    expect(first?.query).to.match(/starting_after=cus_/);
    expect(await countIn('cli_sync_killed')).to.equal(10_000);
  });

  it('prints the summary table at the end of a plain (non-TTY) run', async () => {
    const result = await runCli([...syncArgs('cli_sync_plain'), '--types', 'product']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^product\s+platform\s+150\s+2\s/m);
    expect(result.stdout).to.match(/150 objects in /);
  });

  it('says in one line that Stripe rejected the key, without printing the key, and exits 1', async () => {
    const result = await runCli([...syncArgs('cli_sync_badkey'), '--stripe-key', 'sk_test_wrong_key_9876']);
    expect(result.code).to.equal(1);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.match(/Stripe rejected the API key/);
    expect(result.stderr + result.stdout).not.to.include('sk_test_wrong_key_9876');
  });
});

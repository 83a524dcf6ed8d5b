import mongoose from 'mongoose';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { backfill } from '../../src/backfill/index.js';
import { createStripeMirror } from '../../src/models/mirror.js';
import type { ReconcileReport } from '../../src/reconcile/index.js';
import type { MirrorStatus } from '../../src/cli/commands/status.js';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { jsonLines, runCli } from './support/cli.js';

const DB_NAME = 'cli_reconcile';

describe('stripe-mirror reconcile', function () {
  this.timeout(60_000);
  let fake: FakeStripe;
  let connection: mongoose.Connection;
  let drift: { deleted: string; updated: string; created: string };

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    fake.generate('customer', 150);
    connection = await mongoose.createConnection(testMongoUri(), { dbName: DB_NAME }).asPromise();
    await connection.dropDatabase();
    await backfill({ mirror: createStripeMirror({ connection, stripe: fake.client() }), types: ['customer'], ratePerSecond: 1000 });
    const stripe = fake.client();
    const [first, second] = fake.list('customer');
    drift = { deleted: String(first?.id), updated: String(second?.id), created: '' };
    await stripe.customers.del(drift.deleted);
    await stripe.customers.update(drift.updated, { name: 'Renamed without an event' });
    drift.created = (await stripe.customers.create({ email: 'while-down@example.com' })).id;
  });

  afterEach(async () => {
    await connection.close();
    await fake.stop();
  });

  const mongo = () => withDatabase(testMongoUri(), DB_NAME);
  const reconcileArgs = (...extra: string[]): string[] => [
    'reconcile', '--mongo', mongo(), '--stripe-key', fake.apiKey, '--api-base', fake.url, '--types', 'customer', '--rate', '1000', ...extra,
  ];
  const summaryOf = (stdout: string): ReconcileReport => {
    const summary = jsonLines(stdout).find((line) => line.kind === 'summary');
    if (!summary) throw new Error(`no summary line in ${stdout}`);
    return summary as unknown as ReconcileReport;
  };

  it('prints the drift as JSON lines and exits 3; --repair fixes it (exit 0) and the next run is clean', async () => {
    const found = await runCli(reconcileArgs('--json'));
    expect(found.code, found.stderr).to.equal(3);
    expect(jsonLines(found.stdout).some((line) => line.kind === 'progress' && line.type === 'customer' && line.done === true)).to.equal(true);
    const report = summaryOf(found.stdout);
    expect(report).to.deep.include({ clean: false, repair: false });
    expect(report.lists).to.have.length(1);
    expect(report.lists[0]).to.deep.include({
      type: 'customer', account: null, outcome: 'done', listed: 150, missing: 1, gone: 1, stale: 1, newer: 0, equal: 148, repaired: 0,
      ids: { missing: [drift.created], gone: [drift.deleted], stale: [drift.updated] },
    });

    const repaired = await runCli(reconcileArgs('--json', '--repair'));
    expect(repaired.code, repaired.stderr).to.equal(0);
    expect(summaryOf(repaired.stdout).totals).to.deep.equal({ missing: 1, gone: 1, stale: 1, newer: 0, equal: 148, repaired: 3 });

    const clean = await runCli(reconcileArgs('--json'));
    expect(clean.code, clean.stderr).to.equal(0);
    expect(summaryOf(clean.stdout)).to.deep.include({ clean: true });
    expect(summaryOf(clean.stdout).totals).to.deep.include({ equal: 150, missing: 0, gone: 0, stale: 0 });

    const status = await runCli(['status', '--mongo', mongo(), '--json']);
    const runs = (JSON.parse(status.stdout) as MirrorStatus).reconcileRuns;
    expect(runs.map((run) => [run.status, run.repair, run.totals?.missing, run.totals?.repaired])).to.deep.equal([
      ['done', false, 0, 0], ['done', true, 1, 3], ['done', false, 1, 0],
    ]);
  });

  it('prints a table, the drifted ids and what to do, and status shows the last run', async () => {
    const result = await runCli(reconcileArgs());
    expect(result.code, result.stderr).to.equal(3);
    expect(result.stdout).to.match(/^customer\s+platform\s+150\s+148\s+1\s+1\s+1\s+0\s+0\s+done$/m);
    expect(result.stdout).to.include(`customer missing: ${drift.created}\n`);
    expect(result.stdout).to.include(`customer gone: ${drift.deleted}\n`);
    expect(result.stdout).to.include('drift: 1 missing, 1 stale, 1 gone; run again with --repair to fix it');
    const status = await runCli(['status', '--mongo', mongo()]);
    expect(status.stdout).to.match(/last reconcile: done at \S+, 1 missing, 1 stale, 1 gone \(run 'stripe-mirror reconcile --repair' to fix\)/);
  });

  it('refuses --account together with --all-accounts (exit 2)', async () => {
    const result = await runCli(reconcileArgs('--account', 'acct_1', '--all-accounts'));
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/use --account or --all-accounts, not both/);
  });
});

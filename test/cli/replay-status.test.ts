import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { fileURLToPath } from 'node:url';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { runCli } from './support/cli.js';

const SCENARIO = fileURLToPath(new URL('../fixtures/events/current/scenario.ndjson', import.meta.url));

interface Status {
  objects: { type: string; account: string | null; count: number; deleted: number }[];
  events: { total: number; byStatus: Record<string, number>; lastEventAt: number | null };
  failedEvents: unknown[];
}

describe('stripe-mirror replay and status', function () {
  this.timeout(30_000);
  let mongo: string;
  const events = readFileSync(SCENARIO, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { created: number; data: { object: { id?: string; object: string } } });

  before(async () => {
    mongo = withDatabase(testMongoUri(), 'cli_replay');
    await mongoose.connection.getClient().db('cli_replay').dropDatabase();
    const result = await runCli(['replay', SCENARIO, '--mongo', mongo, '--json']);
    expect(result.code, result.stderr).to.equal(0);
  });

  it('mirrors every object of scenario.ndjson', async () => {
    const ids = [...new Set(events.map((e) => e.data.object.id).filter((id): id is string => id !== undefined))];
    const stored = await mongoose.connection.getClient().db('cli_replay').collection<{ _id: string }>('stripe_objects').countDocuments({ _id: { $in: ids } });
    expect(stored).to.equal(ids.length);
  });

  it('status --json reports every replayed event as processed in the event log', async () => {
    const result = await runCli(['status', '--json', '--mongo', mongo]);
    expect(result.code, result.stderr).to.equal(0);
    const status = JSON.parse(result.stdout) as Status;
    expect(events).to.have.length(19);
    expect(status.events).to.include({ total: 19, lastEventAt: Math.max(...events.map((e) => e.created)) });
    expect(status.events.byStatus).to.deep.equal({ processed: 19 });
  });

  it('replays scenario.ndjson again as duplicates that apply nothing, and says how many', async () => {
    const result = await runCli(['replay', SCENARIO, '--mongo', mongo, '--json']);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({ events: 19, processed: 0, ignored: 0, invalid: 0, duplicates: 19, objects: 0 });
    const text = await runCli(['replay', SCENARIO, '--mongo', mongo]);
    expect(text.stdout).to.match(new RegExp(`^replayed ${events.length} events from .*: 0 applied, 0 ignored, 19 already processed`));
  });

  it('status --json reports every object type of the scenario with its count', async () => {
    const result = await runCli(['status', '--json', '--mongo', mongo]);
    expect(result.code, result.stderr).to.equal(0);
    const status = JSON.parse(result.stdout) as Status;
    const expected = new Map<string, Set<string>>();
    for (const { data } of events) {
      if (!data.object.id) continue;
      const ids = expected.get(data.object.object) ?? new Set<string>();
      expected.set(data.object.object, ids.add(data.object.id));
    }
    for (const [type, ids] of expected) {
      const row = status.objects.find((o) => o.type === type && o.account === null);
      expect(row?.count, type).to.be.at.least(ids.size);
    }
  });

  it('status prints readable tables without --json', async () => {
    const result = await runCli(['status', '--mongo', mongo]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^type\s+account\s+objects\s+deleted/m);
    expect(result.stdout).to.match(/^customer\s+platform\s+\d+/m);
  });

  it('status folds the checkpoints of a sliced list into one row per type, its objects summed until it is done', async () => {
    const checkpoints = mongoose.connection.getClient().db('cli_replay').collection<{ _id: string } & Record<string, unknown>>('stripe_sync_checkpoints');
    const now = new Date();
    const list = { account: null, since: null, pages: 0, startedAt: now, updatedAt: now };
    const slice = (index: number, objects: number, done: boolean) => ({
      ...list, _id: `platform:charge#${index}/2`, type: 'charge', lastId: null, done, objects,
      slice: { parent: 'platform:charge', index, count: 2, gte: null, lt: null },
    });
    await checkpoints.insertMany([
      { ...list, _id: 'platform:charge', type: 'charge', lastId: null, done: false, objects: 0, slices: 2 },
      slice(1, 300, true),
      slice(2, 120, false),
    ]);
    try {
      const result = await runCli(['status', '--json', '--mongo', mongo]);
      const backfill = (JSON.parse(result.stdout) as { backfill: { type: string; objects: number; done: boolean }[] }).backfill;
      expect(backfill.filter((row) => row.type === 'charge')).to.deep.equal([
        { type: 'charge', account: null, objects: 420, done: false, updatedAt: now.toISOString() },
      ]);
      expect((await runCli(['status', '--mongo', mongo])).stdout).to.include('backfill interrupted for charge: run');
    } finally {
      await checkpoints.deleteMany({ type: 'charge' });
    }
  });

  it('refuses a line that is not a Stripe event, naming the file and line', async () => {
    const result = await runCli(['replay', fileURLToPath(import.meta.url), '--mongo', mongo]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/replay-status\.test\.ts:1 is not valid JSON/);
  });
});

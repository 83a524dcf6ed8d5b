/**
 * Side-by-side webhook benchmark against supabase/stripe-sync-engine: `npm run bench:peer` (`-- --quick` for 3
 * pairs and half-size streams). Prints a JSON summary and writes it, with every pair's figures, to
 * bench/peer/results.json. See bench/peer/README.md for the setup and the meaning of each key.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredDocument } from '../harness/oracle.js';
import { freePort, processCpuMs } from '../harness/processes.js';
import { startHttpProcess, type ServerProcess } from '../harness/stack.js';
import { measureRun, round, spread, type MeasuredSide, type RunFigures } from './measure.js';
import { startOurSide, type OurSide } from './our-side.js';
import { peerCheckout, startPeerServer, type PeerSide } from './peer-side.js';
import { startPrivateCluster, type PostgresMode, type PrivateCluster } from './postgres.js';
import { pairStream, scenarios, type PairStream, type Scenario } from './scenarios.js';
import { InOrderMirror, newestVersions, streamObjects, wrongCoreObjects, wrongDocuments, type StoredRow } from './truth.js';

const SECRET = 'whsec_bench_peer';
const here = path.dirname(fileURLToPath(import.meta.url));

const quick = process.argv.includes('--quick') || process.env.BENCH_PEER_QUICK === '1';
const pairs = Number(process.env.BENCH_PEER_PAIRS ?? (quick ? 3 : 5));
const modes = (process.env.BENCH_PEER_MODES ?? 'durable,fast').split(',') as PostgresMode[];
const checkout = peerCheckout();
const plan = scenarios(quick);
const truth = new InOrderMirror();
const expectedByScenario = new Map<string, StoredDocument[]>();
const started = Date.now();

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

type ScenarioResult = ReturnType<typeof summarize>;
const results: Record<string, Record<string, ScenarioResult>> = {};
try {
  for (const mode of modes) await runMode(mode);
} finally {
  await truth.stop();
}
const summary = {
  peer: { repository: 'supabase/stripe-sync-engine', commit: checkout.commit, dir: checkout.dir },
  quick,
  pairs_per_scenario: pairs,
  duration_s: round((Date.now() - started) / 1000, 0),
  scenarios: Object.fromEntries(
    Object.entries(results).map(([name, byMode]) => [name, Object.fromEntries(Object.entries(byMode).map(([mode, r]) => [mode, r.summary]))]),
  ),
};
const detail = {
  ...summary,
  scenarios: Object.fromEntries(Object.entries(results).map(([name, byMode]) => [name, Object.fromEntries(Object.entries(byMode).map(([mode, r]) => [mode, { ...r.summary, ...r.detail }]))])),
};
await writeFile(path.join(here, 'results.json'), `${JSON.stringify(detail, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));

/** Everything of one PostgreSQL mode: both sides started fresh, every scenario pair by pair, then all stopped. */
async function runMode(mode: PostgresMode): Promise<void> {
  let cluster: PrivateCluster | undefined;
  let peer: PeerSide | undefined;
  let ours: OurSide | undefined;
  let koa: ServerProcess | undefined;
  try {
    cluster = await startPrivateCluster(mode);
    peer = await startPeerServer(checkout, cluster, SECRET);
    ours = await startOurSide(SECRET);
    const koaPort = await freePort();
    koa = await startHttpProcess({ name: 'koa baseline', args: ['--import', 'tsx', 'bench/harness/koa-baseline-main.ts', String(koaPort)], port: koaPort, webhookPath: '/stripe/webhook' });
    const sides = { ours: ourMeasuredSide(ours), peer: peerMeasuredSide(peer, cluster) };
    const baseline: MeasuredSide = { webhookUrl: koa.webhookUrl, cpuMs: async () => ({ server: await processCpuMs(koa?.process.pid ?? 0), database: 0 }), countDatabaseOps: async () => async () => 0 };
    const warmup = pairStream({ name: 'warmup', concurrency: 16, lifecycles: 25, order: 'shuffled', burst: false }, 90, 0).deliveries;
    await measureRun(sides.ours, warmup, 16, SECRET);
    await measureRun(sides.peer, warmup, 16, SECRET);
    for (const [index, scenario] of plan.entries()) {
      const streams = Array.from({ length: pairs }, (_, pair) => pairStream(scenario, index, pair));
      const runs: Array<{ ours: RunFigures; peer: RunFigures }> = [];
      for (const stream of streams) {
        const oursRun = await measureRun(sides.ours, stream.deliveries, scenario.concurrency, SECRET);
        const peerRun = await measureRun(sides.peer, stream.deliveries, scenario.concurrency, SECRET);
        runs.push({ ours: oursRun, peer: peerRun });
      }
      console.error(`bench:peer ${elapsed()} ${mode} ${scenario.name}: ${pairs} pairs measured, checking the final state`);
      const koaRun = await measureRun(baseline, streams[0]?.deliveries ?? [], scenario.concurrency, SECRET);
      const wrong = await checkFinalState(scenario, streams, ours, peer);
      const result = summarize(scenario, streams, runs, koaRun, wrong);
      (results[scenario.name] ??= {})[mode] = result;
      console.error(`bench:peer ${elapsed()} ${mode} ${scenario.name}: ${JSON.stringify(result.summary)}`);
    }
  } finally {
    await koa?.process.kill('SIGTERM');
    await ours?.stop();
    await peer?.stop();
    await cluster?.stop();
  }
}

function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(0)} s`;
}

function ourMeasuredSide(ours: OurSide): MeasuredSide {
  return {
    webhookUrl: ours.webhookUrl,
    cpuMs: async () => ({ server: await processCpuMs(ours.serverPid), database: await processCpuMs(ours.databasePid) }),
    countDatabaseOps: async () => {
      const before = await ours.commands();
      return async () => (await ours.commands()) - before;
    },
  };
}

function peerMeasuredSide(peer: PeerSide, cluster: PrivateCluster): MeasuredSide {
  return {
    webhookUrl: peer.webhookUrl,
    cpuMs: async () => ({ server: await processCpuMs(peer.serverPid), database: await cluster.cpuMs() }),
    countDatabaseOps: async () => {
      await cluster.resetStatements();
      return () => cluster.statementCount();
    },
  };
}

interface FinalState {
  objects: number;
  ours: string[];
  oursCore: string[];
  peerCore: string[];
}

/**
 * Both sides' final state for every pair of a scenario against the in-order truth: ours document by document against
 * the library's own in-order application, and both sides' core fields against each object's newest version.
 */
async function checkFinalState(scenario: Scenario, streams: readonly PairStream[], ours: OurSide, peer: PeerSide): Promise<FinalState> {
  const inOrder = streams.flatMap((s) => s.inOrder);
  let expected = expectedByScenario.get(scenario.name);
  if (!expected) {
    expected = streamObjects(await truth.documents(inOrder));
    expectedByScenario.set(scenario.name, expected);
  }
  const actual = await ours.documents(expected.map((doc) => String(doc._id)));
  const actualById = new Map(actual.map((doc): [string, StoredRow] => [String(doc._id), { ...doc, id: String(doc._id) }]));
  const newest = newestVersions(inOrder);
  const peerRows = await peer.rows();
  return {
    objects: newest.size,
    ours: wrongDocuments(actual, expected),
    oursCore: wrongCoreObjects(newest, (_type, id) => actualById.get(id)),
    peerCore: wrongCoreObjects(newest, (type, id) => peerRows.get(type)?.get(id)),
  };
}

function summarize(scenario: Scenario, streams: readonly PairStream[], runs: ReadonlyArray<{ ours: RunFigures; peer: RunFigures }>, koa: RunFigures, wrong: FinalState) {
  const of = (side: 'ours' | 'peer', pick: (r: RunFigures) => number, digits: number): number => spread(runs.map((r) => pick(r[side])), digits).median;
  return {
    summary: {
      concurrency: scenario.concurrency,
      order: scenario.burst ? `${scenario.order}, same-second lifecycles` : scenario.order,
      events_per_pair: streams[0]?.inOrder.length ?? 0,
      deliveries_per_pair: streams[0]?.deliveries.length ?? 0,
      ours_events_per_s: spread(runs.map((r) => r.ours.eventsPerS), 0),
      peer_events_per_s: spread(runs.map((r) => r.peer.eventsPerS), 0),
      ratio_ours_per_peer: spread(runs.map((r) => r.ours.eventsPerS / r.peer.eventsPerS), 2),
      ours_p99_ms: of('ours', (r) => r.p99Ms, 1),
      peer_p99_ms: of('peer', (r) => r.p99Ms, 1),
      ours_db_commands_per_delivery: of('ours', (r) => r.databaseOpsPerDelivery, 2),
      peer_sql_statements_per_delivery: of('peer', (r) => r.databaseOpsPerDelivery, 2),
      cpu_ms_per_delivery: {
        ours_server: of('ours', (r) => r.cpuMsPerDelivery.server, 3),
        ours_database: of('ours', (r) => r.cpuMsPerDelivery.database, 3),
        peer_server: of('peer', (r) => r.cpuMsPerDelivery.server, 3),
        peer_database: of('peer', (r) => r.cpuMsPerDelivery.database, 3),
      },
      objects_checked: wrong.objects,
      wrong_objects: { ours: wrong.ours.length, ours_core: wrong.oursCore.length, peer_core: wrong.peerCore.length },
      failed_deliveries: { ours: runs.reduce((n, r) => n + r.ours.failed, 0), peer: runs.reduce((n, r) => n + r.peer.failed, 0) },
      koa_baseline_events_per_s: round(koa.eventsPerS, 0),
    },
    detail: {
      wrong_examples: { ours: wrong.ours.slice(0, 3), ours_core: wrong.oursCore.slice(0, 3), peer_core: wrong.peerCore.slice(0, 3) },
      pairs: runs,
    },
  };
}

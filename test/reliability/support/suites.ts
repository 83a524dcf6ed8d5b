import { EVENTS_PER_LIFECYCLE } from '../../../bench/harness/lifecycle-stream.js';
import { expect } from '../../support/chai.js';
import { runFuzzScenario } from './fuzz-scenario.js';
import { runLoadScenario, type Fault, type LoadOutcome } from './load-scenario.js';

/** How big a load suite is: the full reliability suite and the reduced one in `npm test` differ only here. */
export interface LoadSuiteSize {
  /** 20 events per customer. */
  customers: number;
  concurrency: number;
  /** Deliveries finished before the fault strikes. */
  faultAt: number;
  /** Per test. */
  timeoutMs: number;
}

/** How big a fuzz run is. */
export interface FuzzSuiteSize {
  payloads: number;
  concurrency: number;
  timeoutMs: number;
}

const SEED = 20_260_101;

/**
 * Declares the load and fault tests at a given size. Each fault runs a fresh cluster over the same shuffled stream
 * (so the in-order reference is computed once) and states the same guarantees: every event answered 2xx in the end,
 * applied, `processed`, and the mirror equal to in-order application. Applications counted by the `*` hook must be
 * exactly one per event without a crash; a SIGKILL can only repeat an application that was in flight when it struck
 * (hooks run at least once: applied, then killed before `processed` was recorded), so those are bounded by the
 * concurrency.
 */
export function describeLoadSuite(size: LoadSuiteSize): void {
  const scenario = { customers: size.customers, seed: SEED, duplicateRate: 0.1, concurrency: size.concurrency };
  const events = size.customers * EVENTS_PER_LIFECYCLE;

  const run = (mode: 'sync' | 'queue', fault: Fault): Promise<LoadOutcome> => runLoadScenario({ ...scenario, mode, fault });

  const expectNothingLost = (outcome: LoadOutcome): void => {
    expect(outcome.load.lost, `deliveries never answered 2xx (${JSON.stringify(outcome.load.statusCounts)})`).to.deep.equal([]);
    expect(outcome.neverApplied, 'events never applied').to.deep.equal([]);
    expect(outcome.eventsStored).to.equal(events);
    expect(outcome.statuses).to.deep.equal({ processed: events });
    expect(outcome.difference, outcome.evidence).to.deep.equal({ missing: [], extra: [], different: [] });
    expect(outcome.newestProblems).to.deep.equal([]);
  };

  it(`${events} shuffled events with 10% duplicates at concurrency ${size.concurrency}: none lost, each applied once, mirror equal to in-order`, async () => {
    const outcome = await run('sync', { kind: 'none' });
    expectNothingLost(outcome);
    expect(outcome.appliedTwice).to.deep.equal([]);
    console.log(`      ${events} events + duplicates in ${outcome.seconds.toFixed(1)} s (${(outcome.load.deliveries / outcome.seconds).toFixed(0)} deliveries/s, p99 ${outcome.load.latency.p99.toFixed(1)} ms)`);
  }).timeout(size.timeoutMs);

  it('loses nothing when the server is SIGKILLed mid-stream and restarted', async () => {
    const outcome = await run('sync', { kind: 'kill-server', at: size.faultAt, downMs: 300 });
    expectNothingLost(outcome);
    expect(outcome.appliedTwice.length).to.be.at.most(size.concurrency);
    console.log(`      re-applied after the kill (in flight when it struck): ${outcome.appliedTwice.length}`);
  }).timeout(size.timeoutMs);

  it('loses nothing when the database drops every connection mid-stream and comes back', async () => {
    const outcome = await run('sync', { kind: 'database-outage', at: size.faultAt, downMs: 1_500 });
    expectNothingLost(outcome);
    expect(outcome.appliedTwice.length).to.be.at.most(size.concurrency);
    console.log(`      answers during the outage: ${JSON.stringify(outcome.load.statusCounts)}; re-applied: ${outcome.appliedTwice.length}`);
  }).timeout(size.timeoutMs);

  it('queued mode loses nothing when the worker is SIGKILLed and restarted', async () => {
    const outcome = await run('queue', { kind: 'kill-worker', at: size.faultAt, downMs: 300 });
    expectNothingLost(outcome);
    expect(outcome.appliedTwice.length).to.be.at.most(8);
    console.log(`      re-applied after the worker kill: ${outcome.appliedTwice.length}`);
  }).timeout(size.timeoutMs);
}

/** Declares the fuzz test at a given size. */
export function describeFuzzSuite(size: FuzzSuiteSize): void {
  it(`survives ${size.payloads} mutated payloads: no crash, bounded memory, no forgery accepted, no key acting as an operator`, async () => {
    const outcome = await runFuzzScenario({ count: size.payloads, seed: SEED, concurrency: size.concurrency });
    expect(outcome.serverAlive, 'server still answers /healthz').to.equal(true);
    expect(outcome.acceptedForgeries).to.deep.equal([]);
    expect(outcome.changedCanaries).to.deep.equal([]);
    expect(outcome.keysNotStoredAsData).to.deep.equal([]);
    expect(outcome.rssMb.afterAll).to.be.below(512);
    expect(outcome.rssMb.afterAll - outcome.rssMb.afterHalf, 'RSS growth over the second half').to.be.below(100);
    console.log(`      answers ${JSON.stringify(outcome.statusCounts)}; RSS MB ${JSON.stringify(outcome.rssMb)}`);
  }).timeout(size.timeoutMs);
}

import mongoose from 'mongoose';
import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { EventLogUnavailableError, WebhookRejectedError } from '../../src/webhooks/index.js';
import { EventLog, type ClaimResult } from '../../src/webhooks/event-log.js';
import { collection, fixtureEvents, withId } from './support.js';

const LEASE_MS = 60_000;
/** Commands mongoose sends once when a model is first used, not part of any claim. */
const SETUP_COMMANDS = new Set(['create', 'createIndexes']);
const base = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;

function eventWithId(id: string, patch: Record<string, unknown> = {}): Stripe.Event {
  return withId(base, id, patch) as unknown as Stripe.Event;
}

/**
 * Claims `events` concurrently, behind an opener: the opener's claim is written alone at once (nothing is in flight),
 * so all of `events` share the next command, the batch under test.
 */
async function claimTogether(mirror: StripeMirror, events: Stripe.Event[]): Promise<PromiseSettledResult<ClaimResult>[]> {
  const log = new EventLog(mirror);
  const claims = [eventWithId('evt_claim_opener'), ...events].map((event) => log.claim(event, LEASE_MS));
  return (await Promise.allSettled(claims)).slice(1);
}

function value<T>(result: PromiseSettledResult<T> | undefined): T {
  if (result?.status === 'rejected') throw new Error(`expected a claim result, got ${String(result.reason)}`);
  if (result === undefined) throw new Error('expected a claim result, got none');
  return result.value;
}

function reason(result: PromiseSettledResult<unknown> | undefined): unknown {
  if (result?.status !== 'rejected') throw new Error('expected the claim to be rejected');
  return result.reason;
}

describe('group-committed delivery claims', () => {
  let connection: mongoose.Connection;
  let mirror: StripeMirror;
  const commands: string[] = [];

  before(async () => {
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'stripe_mirror_test', monitorCommands: true }).asPromise();
    connection.getClient().on('commandStarted', ({ commandName, command }) => {
      if (command[commandName] === 'stripe_events' && !SETUP_COMMANDS.has(commandName)) commands.push(commandName);
    });
    mirror = createStripeMirror({ connection });
  });
  after(() => connection.close());
  beforeEach(() => {
    commands.length = 0;
  });

  it('writes a lone claim at once, as one command', async () => {
    expect(await new EventLog(mirror).claim(eventWithId('evt_lone'), LEASE_MS)).to.deep.equal({ claimed: true, attempts: 1 });
    expect(commands).to.deep.equal(['update']);
  });

  it('claims N concurrent new events with one command for all but the first', async () => {
    const results = await claimTogether(mirror, Array.from({ length: 20 }, (_, i) => eventWithId(`evt_new_${i}`)));
    expect(results.map(value)).to.deep.equal(Array.from({ length: 20 }, () => ({ claimed: true, attempts: 1 })));
    expect(commands).to.deep.equal(['update', 'update']);
    expect(await collection('stripe_events').countDocuments({ status: 'processing', attempts: 1 })).to.equal(21);
  });

  it('gives each event taken over inside a batch its own attempts, read with one find', async () => {
    await collection('stripe_events').insertMany([
      { ...eventWithId('evt_failed'), _id: 'evt_failed', status: 'failed', attempts: 2 },
      { ...eventWithId('evt_dead'), _id: 'evt_dead', status: 'dead', attempts: 5 },
      { ...eventWithId('evt_expired'), _id: 'evt_expired', status: 'processing', attempts: 1, leaseUntil: new Date(0) },
    ]);
    const results = await claimTogether(mirror, ['evt_failed', 'evt_fresh', 'evt_dead', 'evt_expired'].map((id) => eventWithId(id)));
    expect(results.map(value)).to.deep.equal([
      { claimed: true, attempts: 3 },
      { claimed: true, attempts: 1 },
      { claimed: true, attempts: 6 },
      { claimed: true, attempts: 2 },
    ]);
    expect(commands).to.deep.equal(['update', 'update', 'find']);
  });

  it('claims an event delivered twice inside one batch once: the other delivery finds it in progress', async () => {
    const results = await claimTogether(mirror, [eventWithId('evt_twice'), eventWithId('evt_other'), eventWithId('evt_twice')]);
    expect(results.map(value)).to.deep.equal([
      { claimed: true, attempts: 1 },
      { claimed: true, attempts: 1 },
      { claimed: false, status: 'processing' },
    ]);
    expect(await collection('stripe_events').findOne({ _id: 'evt_twice' })).to.include({ status: 'processing', attempts: 1 });
  });

  it('claims a stored failed event delivered twice inside one batch once', async () => {
    await collection('stripe_events').insertOne({ ...eventWithId('evt_retried'), _id: 'evt_retried', status: 'failed', attempts: 1 });
    const results = await claimTogether(mirror, [eventWithId('evt_retried'), eventWithId('evt_retried')]);
    expect(results.map(value)).to.deep.equal([{ claimed: true, attempts: 2 }, { claimed: false, status: 'processing' }]);
  });

  it('answers a processed event inside a batch as a duplicate without failing the others', async () => {
    await collection('stripe_events').insertOne({ ...eventWithId('evt_done'), _id: 'evt_done', status: 'processed', attempts: 1 });
    const results = await claimTogether(mirror, [eventWithId('evt_a'), eventWithId('evt_done'), eventWithId('evt_b')]);
    expect(results.map(value)).to.deep.equal([
      { claimed: true, attempts: 1 },
      { claimed: false, status: 'processed' },
      { claimed: true, attempts: 1 },
    ]);
  });

  it('fails only the caller whose operation the server refuses', async () => {
    // `status.x` collides with the claim's own `$set: { status }`: the server refuses that one update (code 40).
    const refused = eventWithId('evt_refused', { 'status.x': 1 });
    const results = await claimTogether(mirror, [eventWithId('evt_c'), refused, eventWithId('evt_d')]);
    expect(value(results[0])).to.deep.equal({ claimed: true, attempts: 1 });
    expect(reason(results[1])).to.be.instanceOf(EventLogUnavailableError);
    expect(value(results[2])).to.deep.equal({ claimed: true, attempts: 1 });
    expect(commands).to.deep.equal(['update', 'update']);
  });

  it('rejects only the event the driver cannot serialize, and still claims the others', async () => {
    const unserializable = eventWithId('evt_nul', { data: { object: { ...base.data.object, metadata: { 'a\u0000b': 'x' } } } });
    const results = await claimTogether(mirror, [eventWithId('evt_e'), unserializable, eventWithId('evt_f')]);
    expect(value(results[0])).to.deep.equal({ claimed: true, attempts: 1 });
    expect(reason(results[1])).to.be.instanceOf(WebhookRejectedError).and.to.include({ reason: 'unstorable_event' });
    expect(value(results[2])).to.deep.equal({ claimed: true, attempts: 1 });
    expect(await collection('stripe_events').countDocuments({ _id: 'evt_nul' })).to.equal(0);
  });

  it('fails every caller of a batch with EventLogUnavailableError when the command fails', async () => {
    const mongo = await startEmbeddedMongo();
    const down = await mongoose
      .createConnection(mongo.uri, { dbName: 'claims_down', serverSelectionTimeoutMS: 300, bufferCommands: false })
      .asPromise();
    try {
      await mongo.stop();
      const results = await claimTogether(createStripeMirror({ connection: down }), [eventWithId('evt_g'), eventWithId('evt_h')]);
      for (const result of results) expect(reason(result)).to.be.instanceOf(EventLogUnavailableError);
    } finally {
      await down.close();
    }
  });
});

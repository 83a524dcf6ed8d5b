import { isDeepStrictEqual } from 'node:util';
import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import { rankOf } from '../../src/sync/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { eventMeaning } from '../../src/webhooks/event-meanings.js';
import { collection, fixtureEvents, scenarioEvents, seededRandom, shuffle, withId, type FixtureEvent } from './support.js';

/** Ids of the Stripe objects nested inside an object (expanded, in lists, embedded): their versions come from elsewhere too. */
function nestedIds(value: unknown, depth = 0, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) nestedIds(item, depth + 1, found);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (depth > 0 && typeof record.id === 'string' && typeof record.object === 'string') found.add(record.id);
    for (const child of Object.values(record)) nestedIds(child, depth + 1, found);
  }
  return found;
}

describe('replaying every fixture event, shuffled', () => {
  it('ends with each object in the state of its newest version, a tombstone exactly where Stripe deleted it', async () => {
    const all: FixtureEvent[] = [
      ...(['current', 'stripe-sync-engine', 'dj-stripe'] as const).flatMap((folder) => fixtureEvents(folder).map(({ event }) => event)),
      ...scenarioEvents(),
    ].map((event, index) => withId(event, `evt_replay_${index}`));
    const handler = createWebhookHandler({ secrets: ['whsec_unused'] });
    for (const event of shuffle(all, seededRandom(11))) await handler.ingest(event as unknown as Stripe.Event, { source: 'replay' });

    const nested = new Set(all.flatMap((event) => [...nestedIds(event.data.object)]));
    const newest = new Map<string, { event: FixtureEvent; rank: number; tie: boolean }>();
    for (const event of all) {
      const object = event.data.object;
      if (typeof object.id !== 'string' || typeof object.object !== 'string' || nested.has(object.id)) continue;
      const tombstone = eventMeaning(event.type)?.kind === 'tombstone' || object.deleted === true;
      const rank = rankOf(object.object, object, tombstone);
      const current = newest.get(object.id);
      const order = current ? event.created - current.event.created || rank - current.rank : 1;
      if (order > 0) newest.set(object.id, { event, rank, tie: false });
      else if (order === 0 && current && !isDeepStrictEqual(current.event.data.object, object)) current.tie = true;
    }
    const checked = [...newest].filter(([, version]) => !version.tie);
    expect(checked.length).to.be.above(40);
    const problems: string[] = [];
    for (const [id, { event }] of checked) {
      const stored = await collection('stripe_objects').findOne({ _id: id });
      if (!stored) {
        problems.push(`${id}: not stored`);
        continue;
      }
      const deletes = eventMeaning(event.type)?.kind === 'tombstone' || event.data.object.deleted === true;
      if ((stored.deleted === true) !== deletes) problems.push(`${id}: deleted ${String(stored.deleted)} after ${event.type}`);
      for (const [field, value] of Object.entries(event.data.object)) {
        const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
        if ((scalar || field === 'metadata') && field !== 'deleted' && !isDeepStrictEqual(stored[field], value)) {
          problems.push(`${id}.${field}: stored ${JSON.stringify(stored[field])}, newest (${event.type}) ${JSON.stringify(value)}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });
});

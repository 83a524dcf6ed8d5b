import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { expect } from '../support/chai.js';
import { syncStripeObjects, type StripeObjectLike } from '../../src/sync/index.js';
import { engineOptions, permutations } from './helpers.js';

interface ScenarioEvent {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  data: { object: StripeObjectLike };
}

/**
 * The 19 events of test/fixtures/events/current/scenario.ndjson: one customer's lifecycle, in order, with rising `created`. Nested
 * objects of different types share the placeholder id `obj_123` there; real Stripe ids are unique, so each type gets
 * its own (`obj_123_plan`, …) rather than merging unrelated objects into one document.
 */
function scenario(): ScenarioEvent[] {
  const text = readFileSync(new URL('../fixtures/events/current/scenario.ndjson', import.meta.url), 'utf8');
  return text.trim().split('\n').map((line): ScenarioEvent => JSON.parse(line, distinctPlaceholderIds));
}

function distinctPlaceholderIds(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('id' in value) || value.id !== 'obj_123') return value;
  return { ...value, id: `obj_123_${'object' in value ? String(value.object) : 'unknown'}` };
}

/** Applies events one by one, as a webhook handler would. */
async function deliver(collection: Collection, events: readonly ScenarioEvent[]): Promise<void> {
  for (const event of events) {
    await syncStripeObjects(collection, [event.data.object], {
      watermark: event.created,
      source: 'webhook',
      sourceId: event.id,
      apiVersion: event.api_version,
      deleted: event.type === 'customer.deleted',
    }, engineOptions);
  }
}

/** Every document without the write times, sorted by id: what two mirrors must agree on. */
async function contents(collection: Collection): Promise<Document[]> {
  const documents = await collection.find({}, { sort: { _id: 1 } }).toArray();
  return documents.map(({ _mirror: { syncedAt: _synced, deletedAt: _deleted, ...mirror }, ...fields }) => ({ ...fields, _mirror: mirror }));
}

function collectionNamed(name: string): Collection {
  const db = mongoose.connection.db;
  if (!db) throw new Error('mongoose is not connected');
  return db.collection(name);
}

/** A deterministic shuffle (Park–Miller keys), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const keyed = items.map((item) => {
    state = (state * 48271) % 2147483647;
    return { item, key: state };
  });
  return keyed.sort((a, b) => a.key - b.key).map(({ item }) => item);
}

describe('syncStripeObjects(): a webhook scenario delivered out of order', () => {
  it('ends in the lifecycle state when delivered in order', async () => {
    const mirror = collectionNamed('scenario_in_order');
    await deliver(mirror, scenario());

    const byId = new Map((await mirror.find({}).toArray()).map((document) => [String(document._id), document]));
    expect(byId.get('sub_1Pgc6rB7WZ01zgkWNy0Cn5nw')).to.include({ status: 'canceled' });
    expect(byId.get('in_1Pgc6tB7WZ01zgkWu9fdqL6I')).to.include({ status: 'paid' });
    expect(byId.get('cus_QXg1o8vcGmoR32')).to.include({ deleted: true });
    expect(byId.get('ch_1PgafuB7WZ01zgkWXYmPNZs8')).to.include({ refunded: true });
  });

  it('builds the same mirror from the events in order, reversed and in 3 shuffled orders', async () => {
    const events = scenario();
    const inOrder = collectionNamed('scenario_in_order');
    await deliver(inOrder, events);
    const expected = await contents(inOrder);

    const orders = [[...events].reverse(), shuffled(events, 1), shuffled(events, 2), shuffled(events, 3)];
    for (const [index, order] of orders.entries()) {
      const mirror = collectionNamed(`scenario_order_${index}`);
      await deliver(mirror, order);
      expect(await contents(mirror), `order ${index}`).to.deep.equal(expected);
    }
  });

  it('builds the same mirror whichever order the three subscription events arrive in', async () => {
    const events = scenario();
    const subscriptionEvents = events.filter((event) => event.type.startsWith('customer.subscription.'));
    const others = events.filter((event) => !event.type.startsWith('customer.subscription.'));
    const reference = collectionNamed('scenario_subscriptions_reference');
    await deliver(reference, events);
    const expected = await contents(reference);

    for (const [index, order] of permutations(subscriptionEvents).entries()) {
      const mirror = collectionNamed(`scenario_subscriptions_${index}`);
      await deliver(mirror, [...order, ...others]);
      expect(await contents(mirror), `order ${index}`).to.deep.equal(expected);
    }
  });
});

import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import {
  collection,
  deliverUntilAccepted,
  scenarioEvents,
  SECRET,
  seededRandom,
  shuffle,
  startWebhookServer,
  type FixtureEvent,
  type WebhookServer,
} from './support.js';

/**
 * fixtures3 gives unrelated nested objects (a plan, a discount, an account, a source) the same placeholder id, so the
 * document under that id is a merge of whichever of them were written last: an artifact of the fixture, not of event
 * order, since no two Stripe objects share an id. It is left out of the comparison.
 */
const PLACEHOLDER_ID = 'obj_123';

/**
 * The mirror's content without what legitimately differs between runs: write times (`syncedAt`, a tombstone's
 * `deletedAt`) and which delivery wrote last (`source`, `sourceId`).
 */
async function mirrorSnapshot(): Promise<unknown[]> {
  const docs = await collection('stripe_objects').find({ _id: { $ne: PLACEHOLDER_ID } }).sort({ _id: 1 }).toArray();
  return docs.map((doc) => {
    const { syncedAt: _syncedAt, deletedAt: _deletedAt, source: _source, sourceId: _sourceId, ...mirror } = doc._mirror as Record<string, unknown>;
    return { ...doc, _mirror: mirror };
  });
}

async function emptyMirror(): Promise<void> {
  await Promise.all([collection('stripe_objects').deleteMany({}), collection('stripe_events').deleteMany({})]);
}

describe('scenario.ndjson delivered out of order', () => {
  let server: WebhookServer;
  const events = scenarioEvents();

  before(async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }) });
  });
  after(() => server.close());

  async function inOrder(): Promise<unknown[]> {
    for (const event of events) await deliverUntilAccepted(server.url, event);
    const snapshot = await mirrorSnapshot();
    await emptyMirror();
    return snapshot;
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`ends in the in-order mirror with every event processed (shuffle seed ${seed}, duplicates, concurrent)`, async () => {
      const expected = await inOrder();
      const random = seededRandom(seed);
      const withDuplicates: FixtureEvent[] = [...events, ...events.filter(() => random() < 0.4)];
      const deliveries = shuffle(withDuplicates, random);
      await Promise.all(deliveries.map((event) => deliverUntilAccepted(server.url, event)));

      expect(await mirrorSnapshot()).to.deep.equal(expected);
      const statuses = await collection('stripe_events').distinct('status');
      expect(statuses).to.deep.equal(['processed']);
      expect(await collection('stripe_events').countDocuments()).to.equal(events.length);
    });
  }
});

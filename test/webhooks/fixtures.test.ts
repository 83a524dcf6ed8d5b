import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { eventMeaning } from '../../src/webhooks/event-meanings.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, type FixtureEvent, type WebhookServer } from './support.js';

const BOOKKEEPING = ['_id', 'status', 'attempts', 'lastError', 'receivedAt', 'processedAt', 'leaseUntil', 'nextAttemptAt', 'stripeAccount', '_mirror'];

describe('webhook fixtures of every API era', () => {
  let server: WebhookServer;

  before(async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }) });
  });
  after(() => server.close());

  for (const folder of ['current', 'stripe-sync-engine', 'dj-stripe'] as const) {
    describe(folder, () => {
      for (const { file, event } of fixtureEvents(folder)) {
        it(`accepts and mirrors ${file} (${event.type}, API ${event.api_version ?? 'none'})`, async () => {
          const response = await deliver(server.url, event);
          expect(response.status, JSON.stringify(response.body)).to.equal(200);
          await expectMirrored(event);
        });
      }
    });
  }
});

async function expectMirrored(event: FixtureEvent): Promise<void> {
  const stored = await collection('stripe_events').findOne({ _id: event.id });
  expect(stored, 'event stored').to.exist;
  const asSent: Record<string, unknown> = { ...stored };
  for (const field of BOOKKEEPING) delete asSent[field];
  expect(asSent).to.deep.equal(event);

  const object = event.data.object;
  const meaning = eventMeaning(event.type);
  const id = typeof object.id === 'string' ? object.id : meaning?.kind === 'keyed' ? meaning.key(object) : undefined;
  if (id === undefined) {
    expect(stored!.status).to.equal('ignored');
    return;
  }
  expect(stored!.status).to.equal('processed');
  const doc = await collection('stripe_objects').findOne({ _id: id });
  expect(doc, `${String(object.object)} ${id} mirrored`).to.exist;
  expect(doc!.object).to.equal(object.object);
  expect(doc!.stripeAccount).to.equal(event.account ?? null);
  expect(doc!._mirror.sourceId).to.equal(event.id);
  expect(doc!.deleted === true, 'tombstone').to.equal(meaning?.kind === 'tombstone' || object.deleted === true);
}

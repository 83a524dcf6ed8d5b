import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
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
  if (typeof object.id !== 'string') {
    expect(stored!.status).to.equal('ignored');
    return;
  }
  expect(stored!.status).to.equal('processed');
  const doc = await collection('stripe_objects').findOne({ _id: object.id });
  expect(doc, `${String(object.object)} ${object.id} mirrored`).to.exist;
  expect(doc!.object).to.equal(object.object);
  expect(doc!.stripeAccount).to.equal(event.account ?? null);
  expect(doc!._mirror.sourceId).to.equal(event.id);
  if (event.type.endsWith('.deleted')) expect(doc!.deleted).to.equal(true);
}

import mongoose from 'mongoose';
import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/index.js';

const SECRET = 'whsec_thin_events';

/** A thin event (v2 event destination) pointing at `related`, as Stripe sends it. */
function thinEvent(id: string, type: string, related: { id: string; type: string; url: string } | null): Record<string, unknown> {
  return { id, object: 'v2.core.event', type, created: new Date().toISOString(), livemode: false, related_object: related, reason: null };
}

async function deliverTo(handler: WebhookHandler, event: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const rawBody = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret: SECRET });
  return handler.handle({ rawBody, headers: { 'stripe-signature': header } });
}

describe('thin events (Stripe v2 event destinations)', () => {
  let fake: FakeStripe;
  let connection: mongoose.Connection;

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'stripe_mirror_thin' }).asPromise();
    await connection.db!.dropDatabase();
  });
  afterEach(async () => {
    await connection.close();
    await fake.stop();
  });

  const objects = () => connection.db!.collection('stripe_objects');
  const logged = (id: string) => connection.db!.collection<{ _id: string }>('stripe_events').findOne({ _id: id });

  it('answers a signed thin event 200, records it, and mirrors its related object retrieved from the API', async () => {
    const customer = await fake.client().customers.create({ name: 'Thin Ada', email: 'ada@example.com' });
    const mirror: StripeMirror = createStripeMirror({ connection, stripe: fake.client() });
    const handler = createWebhookHandler({ secrets: [SECRET], mirror });
    const response = await deliverTo(handler, thinEvent('evt_thin_1', 'v1.customer.updated', { id: customer.id, type: 'customer', url: `/v1/customers/${customer.id}` }));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body).to.include({ status: 'processed' });
    expect(await objects().findOne({ _id: customer.id as unknown as never })).to.include({ name: 'Thin Ada', email: 'ada@example.com' });
    expect(await logged('evt_thin_1')).to.include({ status: 'processed', type: 'v1.customer.updated', object: 'v2.core.event' });
  });

  it('records a thin event that points at no object as ignored', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection, stripe: fake.client() }) });
    const response = await deliverTo(handler, thinEvent('evt_thin_ping', 'v2.core.event_destination.ping', null));
    expect(response.body).to.include({ status: 'ignored' });
  });

  it('stores a thin event pending with a clear reason when the mirror has no Stripe client, never answering 400', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection }) });
    const response = await deliverTo(handler, thinEvent('evt_thin_2', 'v1.customer.updated', { id: 'cus_x', type: 'customer', url: '/v1/customers/cus_x' }));
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ status: 'pending' });
    const stored = await logged('evt_thin_2');
    expect(stored).to.include({ status: 'pending' });
    expect(String((stored as { lastError?: { message?: string } } | null)?.lastError?.message)).to.match(/without a Stripe client/);
  });

  it('applies a pending thin event once the mirror has a client, through reprocess', async () => {
    const customer = await fake.client().customers.create({ name: 'Later' });
    const event = thinEvent('evt_thin_3', 'v1.customer.created', { id: customer.id, type: 'customer', url: `/v1/customers/${customer.id}` });
    await deliverTo(createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection }) }), event);
    const withClient = createWebhookHandler({ secrets: [SECRET], mirror: createStripeMirror({ connection, stripe: fake.client() }) });
    expect(await withClient.reprocess()).to.include({ matched: 1, processed: 1 });
    expect(await objects().findOne({ _id: customer.id as unknown as never })).to.include({ name: 'Later' });
    expect(await logged('evt_thin_3')).to.include({ status: 'processed' });
  });
});

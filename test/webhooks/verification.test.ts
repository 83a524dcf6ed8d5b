import { expect } from '../support/chai.js';
import { createWebhookHandler, WebhookOptionsError, type WebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, signatureHeader, startWebhookServer, type WebhookServer } from './support.js';

const OTHER_SECRET = 'whsec_test_rotated_9876543210';

describe('webhook signature verification', () => {
  let server: WebhookServer;
  let handler: WebhookHandler;
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;

  before(async () => {
    handler = createWebhookHandler({ secrets: [SECRET, OTHER_SECRET], maxBodyBytes: 64 * 1024 });
    server = await startWebhookServer({ handler });
  });
  after(() => server.close());

  async function storedCounts(): Promise<{ events: number; objects: number }> {
    return {
      events: await collection('stripe_events').countDocuments(),
      objects: await collection('stripe_objects').countDocuments(),
    };
  }

  it('accepts an event signed with the first secret', async () => {
    const response = await deliver(server.url, event);
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ received: true, id: event.id, status: 'processed' });
  });

  it('accepts an event signed with the second secret (rotation)', async () => {
    expect((await deliver(server.url, event, { secret: OTHER_SECRET })).status).to.equal(200);
  });

  it('refuses a signature made with a wrong secret with 400 and stores nothing', async () => {
    const response = await deliver(server.url, event, { secret: 'whsec_not_configured_at_all' });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_signature_mismatch');
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses a tampered body with 400', async () => {
    const payload = JSON.stringify(event);
    const header = signatureHeader(payload);
    const response = await deliver(server.url, payload.replace('cus_', 'cus_x'), { signature: header });
    expect(response.status).to.equal(400);
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses an hour-old signature with 400', async () => {
    const response = await deliver(server.url, event, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_timestamp_outside_tolerance');
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses a request without Stripe-Signature with 400', async () => {
    const response = await deliver(server.url, event, { signature: null });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_missing_signature');
  });

  it('refuses a garbled Stripe-Signature header with 400', async () => {
    const response = await deliver(server.url, event, { signature: 'not a signature' });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_malformed_signature');
  });

  it('refuses a correctly signed body that is not JSON with 400', async () => {
    const response = await deliver(server.url, 'id=evt_1&type=customer.created');
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_body_not_json');
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses signed JSON that is not an event (no id, type or data.object) with 400', async () => {
    const response = await deliver(server.url, { id: 'evt_1', type: 'customer.created', data: {} });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('webhook_not_an_event');
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses a signed event with a top-level field name that MongoDB would read as a path or operator', async () => {
    for (const key of ['a.b', '$set']) {
      const response = await deliver(server.url, { ...event, [key]: { status: 'x' } });
      expect(response.status, key).to.equal(400);
      expect(response.body.error, key).to.equal('webhook_not_an_event');
    }
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('refuses a body over maxBodyBytes with 413 and stores nothing', async () => {
    const big = { ...event, data: { object: { ...event.data.object, padding: 'x'.repeat(70 * 1024) } } };
    const response = await deliver(server.url, big);
    expect(response.status).to.equal(413);
    expect(await storedCounts()).to.deep.equal({ events: 0, objects: 0 });
  });

  it('counts rejections by reason without echoing the request', async () => {
    const before = handler.metrics().rejected.signature_mismatch;
    const response = await deliver(server.url, event, { secret: 'whsec_wrong_again' });
    expect(handler.metrics().rejected.signature_mismatch).to.equal(before + 1);
    expect(JSON.stringify(response.body)).not.to.include('cus_');
  });
});

describe('createWebhookHandler()', () => {
  it('refuses an empty secrets list', () => {
    expect(() => createWebhookHandler({ secrets: [] })).to.throw(WebhookOptionsError, /at least one/);
  });

  it('refuses a negative tolerance', () => {
    expect(() => createWebhookHandler({ secrets: [SECRET], tolerance: -1 })).to.throw(WebhookOptionsError, /tolerance/);
  });
});

describe('WebhookHandler.handle()', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'price.created.json')!.event;

  it('verifies and applies a delivery given as raw body and headers, framework-free', async () => {
    const rawBody = Buffer.from(JSON.stringify(event));
    const headers = { 'stripe-signature': signatureHeader(rawBody.toString('utf8')) };
    const response = await createWebhookHandler({ secrets: [SECRET] }).handle({ rawBody, headers });
    expect(response).to.deep.equal({ status: 200, body: { received: true, id: event.id, status: 'processed' } });
  });

  it('finds the signature header whatever its case', async () => {
    const rawBody = JSON.stringify(event);
    const response = await createWebhookHandler({ secrets: [SECRET] }).handle({ rawBody, headers: { 'Stripe-Signature': signatureHeader(rawBody) } });
    expect(response.status).to.equal(200);
  });
});

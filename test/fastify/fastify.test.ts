import Fastify, { type FastifyInstance } from 'fastify';
import { expect } from '../support/chai.js';
import { statusForDeclaredLength, statusForStreamPastLimit } from '../support/oversized-body.js';
import { stripeWebhookFastify } from '../../src/fastify/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, signatureHeader } from '../webhooks/support.js';

describe('stripeWebhookFastify', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'product.created.json')!.event;
  let app: FastifyInstance | undefined;

  /** A Fastify app with the plugin registered and a JSON route of the app's own, listening on a loopback port. */
  async function start(options: Parameters<typeof stripeWebhookFastify>[1]): Promise<string> {
    app = Fastify();
    await app.register(stripeWebhookFastify, options);
    app.post('/echo', async (request) => ({ echoed: request.body }));
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('mirrors a signed event POSTed to /stripe/webhook', async () => {
    const origin = await start({ secrets: [SECRET] });
    const response = await deliver(`${origin}/stripe/webhook`, event);
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ received: true, id: event.id, status: 'processed' });
    const stored = await collection('stripe_objects').findOne({ _id: event.data.object.id as string });
    expect(stored?.name).to.equal(event.data.object.name);
  });

  it("keeps its raw-body parser inside its own scope: the app's routes still parse JSON", async () => {
    const origin = await start({ secrets: [SECRET], path: '/hooks/stripe' });
    expect((await deliver(`${origin}/hooks/stripe`, event)).status).to.equal(200);
    const echoed = await fetch(`${origin}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"parsed":true}',
    });
    expect(await echoed.json()).to.deep.equal({ echoed: { parsed: true } });
  });

  it('verifies a body sent with any content type, or none', async () => {
    const origin = await start({ secrets: [SECRET] });
    const payload = JSON.stringify(event);
    for (const contentType of ['text/plain', 'application/octet-stream', undefined]) {
      const headers: Record<string, string> = { 'stripe-signature': signatureHeader(payload) };
      if (contentType) headers['content-type'] = contentType;
      const response = await fetch(`${origin}/stripe/webhook`, { method: 'POST', headers, body: Buffer.from(payload) });
      expect(response.status, String(contentType)).to.equal(200);
    }
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    const origin = await start({ handler });
    expect(await statusForDeclaredLength(`${origin}/stripe/webhook`, 10 * 1024 * 1024)).to.equal(413);
    expect(handler.metrics().rejected.body_too_large).to.equal(1);
  });

  it('answers 413 as soon as a streamed body passes the limit, before the body ends', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    const origin = await start({ handler });
    expect(await statusForStreamPastLimit(`${origin}/stripe/webhook`, 2048)).to.equal(413);
    expect(await collection('stripe_events').countDocuments()).to.equal(0);
  });

  it('answers 500 webhook_body_consumed when a preValidation hook in front consumed the body', async () => {
    app = Fastify();
    app.addHook('preValidation', async (request) => {
      for await (const _chunk of request.raw) continue;
    });
    await app.register(stripeWebhookFastify, { secrets: [SECRET] });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await deliver(`${origin}/stripe/webhook`, event);
    expect(response.status).to.equal(500);
    expect(response.body.error).to.equal('webhook_body_consumed');
  });
});

import { createServer } from 'node:http';
import express from 'express';
import { expect } from '../support/chai.js';
import { listenOnLoopback, type ListeningServer } from '../support/listen.js';
import { statusForDeclaredLength, statusForStreamPastLimit } from '../support/oversized-body.js';
import { stripeWebhookExpress } from '../../src/express/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET } from '../webhooks/support.js';

describe('stripeWebhookExpress()', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'product.created.json')!.event;
  let server: ListeningServer | undefined;

  async function start(prepare: (app: express.Express) => void): Promise<string> {
    const app = express();
    prepare(app);
    server = await listenOnLoopback(createServer(app));
    return `${server.origin}/stripe/webhook`;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('mirrors a signed event, reading the raw body itself', async () => {
    const url = await start((app) => app.post('/stripe/webhook', stripeWebhookExpress({ secrets: [SECRET] })));
    const response = await deliver(url, event);
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ received: true, id: event.id, status: 'processed' });
    const stored = await collection('stripe_objects').findOne({ _id: event.data.object.id as string });
    expect(stored?.name).to.equal(event.data.object.name);
  });

  it("takes the Buffer express.raw() left in req.body, with the app's JSON parser on its other routes", async () => {
    const url = await start((app) => {
      app.post('/stripe/webhook', express.raw({ type: '*/*' }), stripeWebhookExpress({ secrets: [SECRET] }));
      app.use(express.json());
      app.post('/echo', (req, res) => {
        res.json(req.body);
      });
    });
    expect((await deliver(url, event)).status).to.equal(200);
    expect(await collection('stripe_objects').countDocuments({ _id: event.data.object.id as string })).to.equal(1);
    const echoed = await fetch(url.replace('/stripe/webhook', '/echo'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"parsed":true}',
    });
    expect(await echoed.json()).to.deep.equal({ parsed: true });
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    const url = await start((app) => app.post('/stripe/webhook', stripeWebhookExpress({ handler })));
    expect(await statusForDeclaredLength(url, 10 * 1024 * 1024)).to.equal(413);
    expect(handler.metrics().rejected.body_too_large).to.equal(1);
  });

  it('answers 413 as soon as a streamed body passes the limit, before the body ends', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    const url = await start((app) => app.post('/stripe/webhook', stripeWebhookExpress({ handler })));
    expect(await statusForStreamPastLimit(url, 2048)).to.equal(413);
    expect(await collection('stripe_events').countDocuments()).to.equal(0);
  });

  it('answers 500 webhook_body_consumed when express.json() in front consumed the body', async () => {
    const url = await start((app) => {
      app.use(express.json());
      app.post('/stripe/webhook', stripeWebhookExpress({ secrets: [SECRET] }));
    });
    const response = await deliver(url, event);
    expect(response.status).to.equal(500);
    expect(response.body.error).to.equal('webhook_body_consumed');
    expect(await collection('stripe_events').countDocuments()).to.equal(0);
  });
});

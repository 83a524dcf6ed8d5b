import { createServer } from 'node:http';
import Koa from 'koa';
import { expect } from '../support/chai.js';
import { listenOnLoopback, type ListeningServer } from '../support/listen.js';
import { statusForDeclaredLength, statusForStreamPastLimit } from '../support/oversized-body.js';
import { stripeWebhookMiddleware } from '../../src/koa/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET } from '../webhooks/support.js';

/** A Koa app: `prepare` middleware, the webhook middleware, then a fallback answering 'next' to what it passed on. */
async function startApp(
  middleware: Koa.Middleware,
  prepare: (app: Koa) => void = () => {},
): Promise<ListeningServer> {
  const app = new Koa();
  prepare(app);
  app.use(middleware);
  app.use((ctx) => {
    ctx.body = 'next';
  });
  return listenOnLoopback(createServer(app.callback()));
}

describe('stripeWebhookMiddleware()', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'product.created.json')!.event;
  let server: ListeningServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('mirrors a signed event POSTed to /stripe/webhook', async () => {
    server = await startApp(stripeWebhookMiddleware({ secrets: [SECRET] }));
    const response = await deliver(`${server.origin}/stripe/webhook`, event);
    expect(response.status).to.equal(200);
    const stored = await collection('stripe_objects').findOne({ _id: event.data.object.id as string });
    expect(stored?.name).to.equal(event.data.object.name);
  });

  it('answers only POST on its path and passes every other request on', async () => {
    server = await startApp(stripeWebhookMiddleware({ secrets: [SECRET] }, { path: '/hooks/stripe' }));
    expect((await deliver(`${server.origin}/hooks/stripe`, event)).status).to.equal(200);
    expect(await (await fetch(`${server.origin}/hooks/stripe`)).text()).to.equal('next');
    expect(await (await fetch(`${server.origin}/stripe/webhook`, { method: 'POST', body: '{}' })).text()).to.equal('next');
  });

  it('serves a handler given to it, so its hooks run', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('product.created', (received) => {
      seen.push(received.data.object.id);
    });
    server = await startApp(stripeWebhookMiddleware({ handler }));
    await deliver(`${server.origin}/stripe/webhook`, event);
    expect(seen).to.deep.equal([event.data.object.id]);
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    server = await startApp(stripeWebhookMiddleware({ handler }));
    expect(await statusForDeclaredLength(`${server.origin}/stripe/webhook`, 10 * 1024 * 1024)).to.equal(413);
    expect(handler.metrics().rejected.body_too_large).to.equal(1);
  });

  it('answers 413 as soon as a streamed body passes the limit, before the body ends', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    server = await startApp(stripeWebhookMiddleware({ handler }));
    expect(await statusForStreamPastLimit(`${server.origin}/stripe/webhook`, 2048)).to.equal(413);
    expect(await collection('stripe_events').countDocuments()).to.equal(0);
  });

  it('answers 500 webhook_body_consumed when a body parser in front consumed the stream and kept nothing', async () => {
    server = await startApp(stripeWebhookMiddleware({ secrets: [SECRET] }), (app) => {
      app.use(async (ctx, next) => {
        for await (const _chunk of ctx.req) continue;
        await next();
      });
    });
    const response = await deliver(`${server.origin}/stripe/webhook`, event);
    expect(response.status).to.equal(500);
    expect(response.body.error).to.equal('webhook_body_consumed');
  });
});

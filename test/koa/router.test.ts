import { request as httpRequest } from 'node:http';
import { expect } from '../support/chai.js';
import { stripeWebhookRouter } from '../../src/koa/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, signatureHeader, startWebhookServer } from '../webhooks/support.js';

describe('stripeWebhookRouter()', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'product.created.json')!.event;

  it('serves POST /stripe/webhook by default', async () => {
    const server = await startWebhookServer({ secrets: [SECRET] });
    try {
      expect((await deliver(server.url, event)).status).to.equal(200);
    } finally {
      await server.close();
    }
  });

  it('serves the path given in options', async () => {
    const server = await startWebhookServer({ secrets: [SECRET], path: '/hooks/stripe' });
    try {
      expect(server.url).to.match(/\/hooks\/stripe$/);
      expect((await deliver(server.url, event)).status).to.equal(200);
    } finally {
      await server.close();
    }
  });

  it('answers other methods 405 through allowedMethods()', async () => {
    const server = await startWebhookServer({ secrets: [SECRET] });
    try {
      expect((await fetch(server.url)).status).to.equal(405);
    } finally {
      await server.close();
    }
  });

  it('uses ctx.request.rawBody when a body parser consumed the stream but kept the raw text', async () => {
    const server = await startWebhookServer({ secrets: [SECRET] }, (app) => {
      app.use(async (ctx, next) => {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        const rawBody = Buffer.concat(chunks).toString('utf8');
        Object.assign(ctx.request, { rawBody, body: JSON.parse(rawBody) as unknown });
        await next();
      });
    });
    try {
      expect((await deliver(server.url, event)).status).to.equal(200);
    } finally {
      await server.close();
    }
  });

  it('answers 500 when a body parser consumed the stream and kept nothing', async () => {
    const server = await startWebhookServer({ secrets: [SECRET] }, (app) => {
      app.use(async (ctx, next) => {
        for await (const _chunk of ctx.req) continue;
        await next();
      });
    });
    try {
      const response = await deliver(server.url, event);
      expect(response.status).to.equal(500);
      expect(response.body.error).to.equal('webhook_body_consumed');
    } finally {
      await server.close();
    }
  });

  it('answers 413 to an oversized chunked body without a Content-Length', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 1024 });
    const server = await startWebhookServer({ handler });
    try {
      const payload = JSON.stringify({ ...event, padding: 'x'.repeat(64 * 1024) });
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(server.url, {
          method: 'POST',
          headers: { 'stripe-signature': signatureHeader(payload), 'transfer-encoding': 'chunked' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < payload.length; i += 4096) req.write(payload.slice(i, i + 4096));
        req.end();
      });
      expect(status).to.equal(413);
      expect(handler.metrics().rejected.body_too_large).to.equal(1);
      expect(await collection('stripe_events').countDocuments()).to.equal(0);
    } finally {
      await server.close();
    }
  });

  it('builds the router from a handler, so hooks registered on it run', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('product.created', (received) => {
      seen.push(received.data.object.id);
    });
    const router = stripeWebhookRouter({ handler });
    expect(router.stack.map((layer) => layer.path)).to.deep.equal(['/stripe/webhook']);
    const server = await startWebhookServer({ handler });
    try {
      await deliver(server.url, event);
    } finally {
      await server.close();
    }
    expect(seen).to.deep.equal([event.data.object.id]);
  });
});

import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { expect } from '../support/chai.js';
import { listenOnLoopback, type ListeningServer } from '../support/listen.js';
import { stripeWebhookFetchHandler } from '../../src/web/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, signatureHeader } from '../webhooks/support.js';

type FetchHandler = (request: Request) => Promise<Response>;

/** A node:http server turning each request into a `Request` (streamed body) for `handle`, as fetch-style runtimes do. */
function serveFetchHandler(handle: FetchHandler): Promise<ListeningServer> {
  return listenOnLoopback(
    createServer((req, res) => {
      const body = req.method === 'GET' || req.method === 'HEAD' ? null : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, body, duplex: 'half' });
      void handle(request).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    }),
  );
}

/** A body of `total` bytes in 1 KiB chunks, each produced only when read (no read-ahead); `pulled()` counts the bytes read. */
function countingBody(total: number): { stream: ReadableStream<Uint8Array>; pulled(): number } {
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(1024, total - produced)).fill(0x20);
      produced += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => produced };
}

function signedRequest(body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}): Request {
  return new Request('http://localhost/api/stripe/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader('{}'), ...headers },
    body,
    duplex: 'half',
  });
}

describe('stripeWebhookFetchHandler()', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'product.created.json')!.event;

  it('mirrors a signed event delivered over HTTP through a Request/Response bridge', async () => {
    const server = await serveFetchHandler(stripeWebhookFetchHandler({ secrets: [SECRET] }));
    try {
      const response = await deliver(`${server.origin}/api/stripe/webhook`, event);
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ received: true, id: event.id, status: 'processed' });
    } finally {
      await server.close();
    }
    const stored = await collection('stripe_objects').findOne({ _id: event.data.object.id as string });
    expect(stored?.name).to.equal(event.data.object.name);
  });

  it('answers a Request with a JSON Response carrying the status of the core', async () => {
    const handle = stripeWebhookFetchHandler({ secrets: [SECRET] });
    const payload = JSON.stringify(event);
    const response = await handle(signedRequest(payload, { 'stripe-signature': signatureHeader(payload) }));
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(await response.json()).to.include({ received: true, id: event.id });
    const forged = await handle(signedRequest(payload));
    expect(forged.status).to.equal(400);
  });

  it('answers 413 to a declared Content-Length over the limit without pulling a byte of the body', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 4096 });
    const body = countingBody(1024 * 1024);
    const response = await stripeWebhookFetchHandler({ handler })(signedRequest(body.stream, { 'content-length': String(1024 * 1024) }));
    expect(response.status).to.equal(413);
    expect(body.pulled()).to.equal(0);
  });

  it('answers 413 to a streamed body as soon as it passes the limit, pulling no more than a chunk past it', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 4096 });
    const body = countingBody(1024 * 1024);
    const response = await stripeWebhookFetchHandler({ handler })(signedRequest(body.stream));
    expect(response.status).to.equal(413);
    expect(body.pulled()).to.equal(4096 + 1024);
    expect(handler.metrics().rejected.body_too_large).to.equal(1);
  });

  it('answers 500 webhook_body_consumed when the body was already read', async () => {
    const request = signedRequest(JSON.stringify(event));
    await request.text();
    const response = await stripeWebhookFetchHandler({ secrets: [SECRET] })(request);
    expect(response.status).to.equal(500);
    expect(await response.json()).to.include({ error: 'webhook_body_consumed' });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { deliverWebhook, makeEvent, signWebhookPayload } from '../src/index.js';
import { expect } from './support/chai.js';

const SECRET = 'whsec_test_secret';
const stripe = new Stripe('sk_test_verify_only');

describe('signWebhookPayload()', () => {
  it('produces a header that stripe.webhooks.constructEvent accepts', () => {
    const payload = JSON.stringify(makeEvent('customer.created', { id: 'cus_1', object: 'customer' }));
    const event = stripe.webhooks.constructEvent(payload, signWebhookPayload(payload, SECRET), SECRET);
    expect(event.type).to.equal('customer.created');
  });

  it('uses the given timestamp, so old signatures fail the tolerance check', () => {
    const payload = '{"id":"evt_1","object":"event"}';
    const header = signWebhookPayload(payload, SECRET, { timestamp: 1_000_000 });
    expect(header).to.match(/^t=1000000,v1=[0-9a-f]{64}$/);
    expect(() => stripe.webhooks.constructEvent(payload, header, SECRET)).to.throw(Stripe.errors.StripeSignatureVerificationError, 'tolerance');
  });

  it('does not verify with another secret', () => {
    const payload = '{"id":"evt_1","object":"event"}';
    expect(() => stripe.webhooks.constructEvent(payload, signWebhookPayload(payload, 'whsec_other'), SECRET)).to.throw(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });
});

describe('deliverWebhook()', () => {
  let server: Server;
  let url: string;
  let received: { body: string; headers: Record<string, string | string[] | undefined> }[];

  before(async () => {
    received = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ body, headers: req.headers });
        try {
          const event = stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), SECRET);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: event.id }));
        } catch {
          res.writeHead(400).end('bad signature');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs a signed event the endpoint can verify and returns its answer', async () => {
    const event = makeEvent('invoice.paid', { id: 'in_1', object: 'invoice' }, { id: 'evt_paid' });
    const result = await deliverWebhook(url, event, { secret: SECRET });
    expect(result.status).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({ received: 'evt_paid' });
    expect(received.at(-1)?.headers['content-type']).to.equal('application/json; charset=utf-8');
  });

  it('sends a string payload byte for byte', async () => {
    const payload = '{"id":"evt_raw","object":"event","type":"customer.created","data":{"object":{"name":"Zoë 🎉"}}}';
    await deliverWebhook(url, payload, { secret: SECRET });
    expect(received.at(-1)?.body).to.equal(payload);
  });

  it('lets a test override headers, e.g. with a tampered signature', async () => {
    const result = await deliverWebhook(url, makeEvent('customer.created', { id: 'cus_1' }), {
      secret: SECRET,
      headers: { 'Stripe-Signature': 't=1,v1=deadbeef' },
    });
    expect(result.status).to.equal(400);
  });
});

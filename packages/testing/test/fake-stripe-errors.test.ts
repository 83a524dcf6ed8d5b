import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe errors, auth and resilience', () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  before(async () => {
    fake = await startFakeStripe({ seed: 'none', apiKey: 'sk_test_secret_abcd1234' });
    stripe = fake.client();
  });
  after(() => fake.stop());

  it('answers a missing object with 404 resource_missing shaped like Stripe', async () => {
    const error = await stripe.customers.retrieve('cus_x').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).to.include({ statusCode: 404, code: 'resource_missing', param: 'id', message: "No such customer: 'cus_x'" });
  });

  it('rejects a wrong key with 401 and masks the key in the message', async () => {
    const wrong = new Stripe('sk_test_wrong_key_9876', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0 });
    await expect(wrong.customers.list()).to.be.rejectedWith(Stripe.errors.StripeAuthenticationError, 'Invalid API Key provided: sk_test_****9876');
  });

  it('answers a request without a key with 401 and Stripe error JSON', async () => {
    const response = await fetch(`${fake.url}/v1/customers`);
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { error: { type: string } }).error.type).to.equal('invalid_request_error');
  });

  it('accepts the key as Basic auth, as curl -u sends it', async () => {
    const response = await fetch(`${fake.url}/v1/customers`, { headers: { Authorization: `Basic ${Buffer.from(`${fake.apiKey}:`).toString('base64')}` } });
    expect(response.status).to.equal(200);
  });

  it('answers unknown routes with 404 and Stripe error JSON', async () => {
    const response = await fetch(`${fake.url}/v1/widgets`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(response.status).to.equal(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).to.contain('Unrecognized request URL (GET: /v1/widgets)');
  });

  it('sets a Request-Id header on every response', async () => {
    const response = await fetch(`${fake.url}/v1/customers`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(response.headers.get('request-id')).to.match(/^req_/);
  });

  it('answers a missing required param with 400 parameter_missing', async () => {
    await expect(stripe.subscriptions.create({ items: [] } as unknown as Stripe.SubscriptionCreateParams)).to.be.rejectedWith(
      Stripe.errors.StripeInvalidRequestError,
      'Missing required param: customer.',
    );
  });

  it('surfaces a scripted 429 as StripeRateLimitError carrying Retry-After', async () => {
    fake.failNext({ method: 'GET', path: /^\/v1\/customers$/, status: 429, retryAfterSeconds: 3 });
    const error = await stripe.customers.list().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Stripe.errors.StripeRateLimitError);
    expect((error as Stripe.errors.StripeError).headers?.['retry-after']).to.equal('3');
  });

  it('fails only as many times as asked, then serves normally', async () => {
    fake.failNext({ path: /customers/, status: 500, times: 2 });
    await expect(stripe.customers.list()).to.be.rejectedWith(Stripe.errors.StripeAPIError);
    await expect(stripe.customers.list()).to.be.rejectedWith(Stripe.errors.StripeAPIError);
    expect((await stripe.customers.list()).object).to.equal('list');
  });

  it('replays a POST with the same Idempotency-Key instead of creating twice', async () => {
    const first = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    const second = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'key-1' });
    expect(second.id).to.equal(first.id);
    expect(fake.list('customer').filter((c) => c.email === 'once@example.com')).to.have.length(1);
  });

  it('rejects an Idempotency-Key reused with different parameters', async () => {
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'key-2' });
    await expect(stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'key-2' })).to.be.rejectedWith(Stripe.errors.StripeIdempotencyError);
  });

  it('records every request with method, path and account', async () => {
    const before = fake.requests.length;
    await stripe.customers.list({ limit: 1 });
    expect(fake.requests.slice(before)).to.deep.equal([{ method: 'GET', path: '/v1/customers', query: 'limit=1' }]);
  });

  it('delays responses by latencyMs', async () => {
    const slow = await startFakeStripe({ seed: 'none', latencyMs: 150 });
    try {
      const started = performance.now();
      await slow.client().customers.list();
      expect(performance.now() - started).to.be.at.least(140);
    } finally {
      await slow.stop();
    }
  });

  it('stops promptly even with a keep-alive connection open', async () => {
    const other = await startFakeStripe({ seed: 'none' });
    await other.client().customers.list();
    const started = performance.now();
    await other.stop();
    expect(performance.now() - started).to.be.below(500);
  });
});

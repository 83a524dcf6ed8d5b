import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { createStripeMirror } from '../../src/models/mirror.js';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { createWebhookHandler, type RefetchPolicy } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, withId, type FixtureEvent } from './support.js';

describe('webhook refetch policy', () => {
  let fake: FakeStripe;
  const subscriptionUpdated = fixtureEvents('current').find(({ file }) => file === 'customer.subscription.updated.json')!.event;
  const subscription = { ...subscriptionUpdated.data.object, id: String(subscriptionUpdated.data.object.id), object: 'subscription' };
  const current = { ...subscription, status: 'past_due', metadata: { fresh: 'from the API' } };

  beforeEach(async () => {
    fake = await startFakeStripe({ seed: 'none' });
  });
  afterEach(() => fake.stop());

  async function deliverWith(refetch: RefetchPolicy, event: FixtureEvent = subscriptionUpdated) {
    const mirror = createStripeMirror({ connection: mongoose.connection, stripe: fake.client() });
    const server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET], mirror, refetch }) });
    try {
      return await deliver(server.url, event);
    } finally {
      await server.close();
    }
  }

  const storedSubscription = () => collection('stripe_objects').findOne({ _id: subscription.id });
  const retrievals = () => fake.requests.filter((request) => request.path === `/v1/subscriptions/${subscription.id}`);

  it('stores the object as retrieved from the API instead of the payload', async () => {
    fake.insert([current]);
    expect((await deliverWith(['subscription'])).status).to.equal(200);
    expect(await storedSubscription()).to.include({ status: 'past_due' });
    expect(retrievals()).to.have.length(1);
    expect(retrievals()[0]!.stripeAccount).to.equal(undefined);
  });

  it('retrieves as the Connect account of the event, with Stripe-Account', async () => {
    fake.insert([current], { stripeAccount: 'acct_connected_9' });
    const event = withId(subscriptionUpdated, 'evt_connect_refetch', { account: 'acct_connected_9' });
    expect((await deliverWith(true, event)).status).to.equal(200);
    expect(retrievals()[0]).to.include({ method: 'GET', stripeAccount: 'acct_connected_9' });
    expect(await storedSubscription()).to.include({ status: 'past_due', stripeAccount: 'acct_connected_9' });
  });

  it('trusts the payload for object types the policy does not list', async () => {
    fake.insert([current]);
    expect((await deliverWith(['invoice'])).status).to.equal(200);
    expect(retrievals()).to.have.length(0);
    expect(await storedSubscription()).to.include({ status: subscriptionUpdated.data.object.status });
  });

  it('asks a predicate policy per event', async () => {
    fake.insert([current]);
    expect((await deliverWith((event) => event.type === 'customer.subscription.updated')).status).to.equal(200);
    expect(retrievals()).to.have.length(1);
  });

  it('marks the event failed and answers 500 when the refetch fails', async () => {
    const response = await deliverWith(true);
    expect(response.status).to.equal(500);
    expect(response.body.error).to.equal('event_refetch_failed');
    expect(await collection('stripe_events').findOne({ _id: subscriptionUpdated.id })).to.include({ status: 'failed' });
    expect(await storedSubscription()).to.equal(null);
  });

  it('does not refetch deleted objects', async () => {
    const deleted = fixtureEvents('current').find(({ file }) => file === 'customer.deleted.json')!.event;
    expect((await deliverWith(true, deleted)).status).to.equal(200);
    expect(fake.requests).to.have.length(0);
  });
});

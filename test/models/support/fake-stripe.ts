import { configureStripeMirror } from '../../../src/models/index.js';
import { startFakeStripe, type FakeStripe, type FakeStripeOptions } from '@stripe-mirror/testing';

/**
 * Starts a fresh fake Stripe API for each test of a describe block and makes it the default mirror's client.
 * Returns a getter, since the fake exists only once `beforeEach` has run.
 */
export function useFakeStripe(options: FakeStripeOptions = { seed: 'none' }): () => FakeStripe {
  let fake: FakeStripe | undefined;
  beforeEach(async () => {
    fake = await startFakeStripe(options);
    configureStripeMirror({ stripe: fake.client() });
  });
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  return () => {
    if (!fake) throw new Error('fake Stripe not started: call useFakeStripe() inside describe()');
    return fake;
  };
}

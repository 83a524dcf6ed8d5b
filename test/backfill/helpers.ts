import mongoose from 'mongoose';
import { backfill, type BackfillOptions } from '../../src/backfill/index.js';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { startFakeStripe, type FakeStripe } from '@stripe-mirror/testing';
import { expect } from '../support/chai.js';

/** Query of every GET the fake received on `path`, in order. */
export function listQueries(fake: FakeStripe, path: string): URLSearchParams[] {
  return fake.requests.filter((r) => r.method === 'GET' && r.path === path).map((r) => new URLSearchParams(r.query));
}

/** A fresh fake Stripe API (no seed data) and a mirror on mongoose's default connection that lists from it. */
export async function fakeStripeMirror(): Promise<{ fake: FakeStripe; mirror: StripeMirror }> {
  const fake = await startFakeStripe({ seed: 'none' });
  return { fake, mirror: createStripeMirror({ connection: mongoose.connection, stripe: fake.client() }) };
}

/** How many customers the mirror holds. */
export function countCustomers(): Promise<number> {
  return mongoose.connection.collection('stripe_objects').countDocuments({ object: 'customer' });
}

/**
 * A customer backfill that fails once its first write group (ten pages) is done: the next customers page gets a
 * scripted 400. Pages after the group are being fetched already, so the failure lands in the second or third group.
 * Resolves once the run has rejected with that failure.
 */
export async function interruptedCustomerBackfill(
  fake: FakeStripe,
  options: Omit<BackfillOptions, 'types' | 'ratePerSecond' | 'onProgress'>,
): Promise<void> {
  const run = backfill({
    ...options,
    types: ['customer'],
    ratePerSecond: 1000,
    onProgress: (p) => {
      if (p.pages === 10 && !p.done) fake.failNext({ status: 400, path: /^\/v1\/customers$/ });
    },
  });
  await expect(run).to.be.rejectedWith(/Scripted failure/);
}

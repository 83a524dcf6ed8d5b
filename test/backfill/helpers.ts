import mongoose from 'mongoose';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { startFakeStripe, type FakeStripe } from '../../src/testing/index.js';

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

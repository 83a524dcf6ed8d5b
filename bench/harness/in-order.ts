import mongoose from 'mongoose';
import type Stripe from 'stripe';
import { loadDist } from './dist.js';
import type { WebhookEvent } from './lifecycle-stream.js';
import type { StoredDocument } from './oracle.js';

/**
 * `stripe_objects` after applying every event once, strictly in `created` order, through the library's own apply path
 * (`applyStripeEvent` of the built `dist/`, no HTTP, no concurrency), in a scratch database `dbName` of the server at
 * `uri` that is dropped afterwards: the reference the oracles compare a mirror with.
 *
 * ```ts
 * const expected = await applyInOrder(mongo.uri, 'in_order_1', stream.inOrder);
 * ```
 */
export async function applyInOrder(uri: string, dbName: string, inOrder: readonly WebhookEvent[]): Promise<StoredDocument[]> {
  const { applyStripeEvent } = await loadDist<typeof import('../../src/webhooks/index.js')>('webhooks/index.js');
  const { createStripeMirror } = await loadDist<typeof import('../../src/models/mirror.js')>('models/mirror.js');
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  try {
    const mirror = createStripeMirror({ connection });
    for (const event of inOrder) await applyStripeEvent(event as unknown as Stripe.Event, { mirror, source: 'webhook' });
    return (await connection.collection('stripe_objects').find({}).toArray()) as StoredDocument[];
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}

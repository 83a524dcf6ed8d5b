import mongoose from 'mongoose';
import type Stripe from 'stripe';
import { loadDist } from '../../../bench/harness/dist.js';
import type { WebhookEvent } from '../../../bench/harness/lifecycle-stream.js';
import type { StoredDocument } from '../../../bench/harness/oracle.js';
import { testMongoUri } from '../../support/setup.js';

const cache = new Map<string, Promise<StoredDocument[]>>();

/**
 * The oracle's reference: `stripe_objects` after applying every event once, strictly in `created` order, through
 * the library's own apply path (`applyStripeEvent`, no HTTP, no concurrency). Computed once per stream (`key`) in a
 * scratch database of the test server and kept in memory, so several fault runs over the same stream share it.
 */
export function expectedMirror(key: string, inOrder: readonly WebhookEvent[]): Promise<StoredDocument[]> {
  let documents = cache.get(key);
  if (!documents) {
    documents = applyInOrder(inOrder);
    cache.set(key, documents);
  }
  return documents;
}

async function applyInOrder(inOrder: readonly WebhookEvent[]): Promise<StoredDocument[]> {
  const { applyStripeEvent } = await loadDist<typeof import('../../../src/webhooks/index.js')>('webhooks/index.js');
  const { createStripeMirror } = await loadDist<typeof import('../../../src/models/mirror.js')>('models/mirror.js');
  const connection = await mongoose.createConnection(testMongoUri(), { dbName: `stripe_mirror_expected_${process.pid}` }).asPromise();
  try {
    const mirror = createStripeMirror({ connection });
    for (const event of inOrder) await applyStripeEvent(event as unknown as Stripe.Event, { mirror, source: 'webhook' });
    return (await connection.collection('stripe_objects').find({}).toArray()) as StoredDocument[];
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}

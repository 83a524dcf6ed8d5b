import { applyInOrder } from '../../../bench/harness/in-order.js';
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
    documents = applyInOrder(testMongoUri(), `stripe_mirror_expected_${process.pid}`, inOrder);
    cache.set(key, documents);
  }
  return documents;
}

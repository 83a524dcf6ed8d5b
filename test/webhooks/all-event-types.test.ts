import mongoose from 'mongoose';
import { EVENT_OBJECT_TYPES } from '../../src/models/index.js';
import type { StripeObjectLike } from '../../src/sync/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { openApiResources } from '../models/support/fixtures.js';
import { expect } from '../support/chai.js';
import { deliver, SECRET, startWebhookServer, type WebhookServer } from './support.js';
import { eventMeaning } from '../../src/webhooks/event-meanings.js';

/**
 * One event of every type in the `Stripe.Event` union (275 in stripe 23.x), each carrying the fixtures3 sample of its
 * object type (or a minimal object where fixtures3 has none), delivered signed over HTTP.
 */
function eventOfEveryType(): { type: string; object: StripeObjectLike; event: object }[] {
  const samples = openApiResources();
  return Object.entries(EVENT_OBJECT_TYPES).map(([type, objectTypes], i) => {
    const objectType = [objectTypes].flat()[0] ?? 'unknown';
    const sample = structuredClone(samples[objectType]) ?? { id: `obj_synthetic_${i}`, object: objectType };
    const object = typeof sample.id === 'string' ? { ...sample, id: `${sample.id}_${i}` } : sample;
    const event = {
      id: `evt_every_type_${i}`, object: 'event', type, created: 1767225600 + i, api_version: '2026-07-29.dahlia',
      livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object },
    };
    return { type, object, event };
  });
}

describe('webhooks: every event type of the Stripe.Event union', () => {
  let server: WebhookServer;

  before(async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }) });
  });
  after(() => server.close());

  it('accepts all 275 types and mirrors every object that has an id, as its own type', async () => {
    const events = eventOfEveryType();
    expect(events).to.have.length(275);
    const objects = mongoose.connection.db!.collection<{ _id: string; object: string; deleted?: boolean }>('stripe_objects');
    for (const { type, object, event } of events) {
      const response = await deliver(server.url, event);
      expect(response.status, type).to.equal(200);
      if (typeof object.id !== 'string') {
        expect(response.body.status, type).to.equal(eventMeaning(type)?.kind === 'keyed' ? 'processed' : 'ignored');
        continue;
      }
      expect(response.body.status, type).to.equal('processed');
      const stored = await objects.findOne({ _id: object.id });
      expect(stored?.object, type).to.equal(object.object);
      expect(stored?.deleted === true, type).to.equal(eventMeaning(type)?.kind === 'tombstone' || object.deleted === true);
    }
  });
});

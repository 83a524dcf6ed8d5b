import { expect } from '../support/chai.js';
import { Invoice, StripeObject, Subscription } from '../../src/models/index.js';
import type { StripeObjectLike } from '../../src/sync/index.js';
import { jsonFiles } from './support/fixtures.js';

const djObjects = jsonFiles('dj-stripe/objects');
const djEvents = jsonFiles('dj-stripe/events');
const syncEngineEvents = jsonFiles('stripe-sync-engine');

/** The payload a webhook handler would store: the event's `data.object`, or the object itself. */
function payloadOf(data: Record<string, unknown>): StripeObjectLike {
  const object = data.object === 'event' ? (data.data as { object: StripeObjectLike }).object : data;
  return object as StripeObjectLike;
}

function contextOf(data: Record<string, unknown>) {
  if (data.object !== 'event') return { source: 'manual' as const };
  return {
    source: 'webhook' as const,
    watermark: data.created as number,
    sourceId: data.id as string,
    apiVersion: (data.api_version as string | null) ?? null,
    deleted: typeof data.type === 'string' && data.type.endsWith('.deleted'),
  };
}

describe('old-shape Stripe data syncs without error', () => {
  for (const [name, files] of [
    ['dj-stripe objects (API 2020-08-27)', djObjects],
    ['dj-stripe events (API 2016-03-07 … 2020-08-27)', djEvents],
    ['stripe-sync-engine events (mostly API 2020-03-02)', syncEngineEvents],
  ] as const) {
    it(`stores every payload of ${name}`, async () => {
      expect(files.length).to.be.greaterThan(10);
      for (const { file, data } of files) {
        const payload = payloadOf(data);
        if (typeof payload.id !== 'string') continue;
        // dj-stripe reuses ids across types (a `card_…` payment_method and card): start each payload afresh.
        await StripeObject.deleteMany({});
        const stored = await StripeObject.syncFromStripeData(payload, contextOf(data));
        expect(stored._id, file).to.equal(payload.id);
        expect(stored.object, file).to.equal(payload.object);
      }
    });
  }

  it('keeps the old top-level subscription.current_period_end readable', async () => {
    const { data } = syncEngineEvents.find(({ file }) => file === 'subscription_created.json')!;
    const payload = payloadOf(data);
    await StripeObject.syncFromStripeData(payload);
    const subscription = await Subscription.findById(payload.id);
    expect(subscription!.currentPeriodEnd()).to.equal(payload.current_period_end);
  });

  it('stores an old expanded invoice.subscription as its id (legacy expandable table)', async () => {
    await StripeObject.syncFromStripeData({
      id: 'in_legacy',
      object: 'invoice',
      subscription: { id: 'sub_legacy', object: 'subscription', status: 'active', customer: 'cus_legacy' },
      charge: { id: 'ch_legacy', object: 'charge', amount: 100 },
    });
    const invoice = await Invoice.findById('in_legacy').lean();
    expect(invoice).to.include({ subscription: 'sub_legacy', charge: 'ch_legacy' });
    expect(await Subscription.exists({ _id: 'sub_legacy' })).to.not.equal(null);
  });
});

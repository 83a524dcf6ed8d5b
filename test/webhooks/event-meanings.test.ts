import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import { defaultMirror } from '../../src/models/mirror.js';
import { migrateMirror, needsMigration } from '../../src/models/migrate.js';
import { DELETED_RANK } from '../../src/sync/index.js';
import { ingestStripeEvent } from '../../src/webhooks/index.js';
import { deauthorizedAccounts } from '../../src/webhooks/deauthorize.js';
import { eventMeaningRows } from '../../src/webhooks/event-meanings.js';
import { collection, fixtureEvents } from './support.js';

const fixture = (file: string): Stripe.Event => structuredClone(fixtureEvents('current').find((f) => f.file === file)!.event) as unknown as Stripe.Event;
const peerFixture = (file: string): Stripe.Event =>
  JSON.parse(readFileSync(new URL(`../fixtures/stripe-sync-engine/${file}`, import.meta.url), 'utf8')) as Stripe.Event;

/** An event of `type` carrying `object`, with its own ids. */
function eventOf(type: string, object: Record<string, unknown>, created = 1767225600): Stripe.Event {
  return { id: `evt_meaning_${type}`, object: 'event', type, created, api_version: '2026-07-29.dahlia', data: { object } } as unknown as Stripe.Event;
}

describe('what each event means', () => {
  it('keeps a subscription ended by customer.subscription.deleted as an ordinary canceled document', async () => {
    const event = fixture('customer.subscription.deleted.json');
    await ingestStripeEvent(event);
    const id = (event.data.object as { id: string }).id;
    const { Subscription } = defaultMirror();
    const canceled = await Subscription.find({ status: 'canceled' }).lean();
    expect(canceled.map((doc) => doc._id)).to.deep.equal([id]);
    expect(canceled[0]).to.not.have.property('deleted');
    expect(await Subscription.countDocuments({ _id: id, deleted: { $ne: true } })).to.equal(1);
  });

  it('keeps a tombstone for customer.deleted, as Stripe deletes customers', async () => {
    const event = fixture('customer.deleted.json');
    await ingestStripeEvent(event);
    expect(await collection('stripe_objects').findOne({ _id: (event.data.object as { id: string }).id })).to.include({ deleted: true });
  });

  for (const { type, meaning } of eventMeaningRows().filter((row) => row.meaning.kind === 'tombstone' || row.meaning.kind === 'state')) {
    it(`${meaning.kind === 'tombstone' ? 'tombstones' : 'upserts without a tombstone'} the object of ${type} (${meaning.why})`, async () => {
      const objectType = type === 'customer.subscription.deleted' ? 'subscription' : type.replace(/\.deleted$/, '').split('.').at(-1)!;
      await ingestStripeEvent(eventOf(type, { id: `obj_${objectType}`, object: objectType, livemode: false }));
      const stored = await collection('stripe_objects').findOne({ _id: `obj_${objectType}` });
      expect(stored?.deleted === true, JSON.stringify(stored)).to.equal(meaning.kind === 'tombstone');
    });
  }

  it("stores a customer's active entitlement summary under its documented key, replaced by the next one", async () => {
    const event = peerFixture('active_entitlement_summary_updated.json');
    expect(await ingestStripeEvent(event)).to.include({ status: 'processed' });
    const key = 'cus_Sll319ReSxCmEi:active_entitlement_summary';
    const withFeature = await collection('stripe_objects')
      .find({ object: 'entitlements.active_entitlement_summary', 'entitlements.data.lookup_key': 'journeys' })
      .toArray();
    expect(withFeature.map((doc) => [doc._id, doc.customer])).to.deep.equal([[key, 'cus_Sll319ReSxCmEi']]);

    const later = structuredClone(event);
    later.id = 'evt_entitlements_later';
    later.created += 60;
    (later.data.object as unknown as { entitlements: { data: unknown[] } }).entitlements.data = [];
    await ingestStripeEvent(later);
    expect((await collection('stripe_objects').findOne({ _id: key }))?.entitlements.data).to.deep.equal([]);
  });

  it('marks the connected account of account.application.deauthorized, keeps it, and lists it among the accounts that runs over every account skip', async () => {
    const event = { ...eventOf('account.application.deauthorized', { id: 'ca_platform', object: 'application', name: 'Platform' }), account: 'acct_gone' } as Stripe.Event;
    await ingestStripeEvent(event);
    const account = await collection('stripe_objects').findOne({ _id: 'acct_gone' });
    expect(account?._mirror.deauthorizedAt).to.be.instanceOf(Date);
    expect(account).to.include({ object: 'account' });
    expect([...(await deauthorizedAccounts(defaultMirror()))]).to.deep.equal(['acct_gone']);
  });
});

describe('migrateMirror()', () => {
  it('restores subscriptions an older version stored as tombstones, once, with their status rank', async () => {
    const subscription = { id: 'sub_old_tombstone', object: 'subscription', status: 'canceled', customer: 'cus_1' };
    await defaultMirror().sync(subscription, { watermark: 100, deleted: true });
    expect(await needsMigration(defaultMirror())).to.equal(true);

    expect(await migrateMirror(defaultMirror())).to.deep.equal({ canceledSubscriptionsRestored: 1 });
    const stored = await collection('stripe_objects').findOne({ _id: 'sub_old_tombstone' });
    expect(stored).to.not.have.property('deleted');
    expect(stored?._mirror).to.not.have.property('deletedAt');
    expect(stored?._mirror.rank).to.be.below(DELETED_RANK);
    expect(await needsMigration(defaultMirror())).to.equal(false);
    expect(await migrateMirror(defaultMirror())).to.deep.equal({ canceledSubscriptionsRestored: 0 });

    await defaultMirror().sync({ ...subscription, cancellation_details: { reason: 'cancellation_requested' } }, { watermark: 100 });
    expect((await collection('stripe_objects').findOne({ _id: 'sub_old_tombstone' }))?.cancellation_details).to.deep.equal({ reason: 'cancellation_requested' });
  });
});

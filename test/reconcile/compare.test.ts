import { compareObject } from '../../src/reconcile/compare.js';
import { expect } from '../support/chai.js';

const FETCHED_AT = 1_767_225_780;
const bookkeeping = { stripeAccount: null, _mirror: { watermark: FETCHED_AT - 60, rank: 1, source: 'webhook', sourceId: 'evt_1', syncedAt: new Date() } };

function storedSubscription(fields: Record<string, unknown> = {}) {
  return { _id: 'sub_1', id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active', metadata: { tier: 'gold' }, ...bookkeeping, ...fields };
}

describe('compareObject()', () => {
  it('compares what the write path stores: an expanded object equals its stored id, bookkeeping and key order aside', () => {
    const listed = { metadata: { tier: 'gold' }, status: 'active', object: 'subscription', id: 'sub_1', customer: { id: 'cus_1', object: 'customer', email: 'a@example.com' } };
    expect(compareObject(listed, storedSubscription(), FETCHED_AT)).to.equal('equal');
  });

  it('finds a change deep inside a field, a field Stripe added and a field Stripe removed', () => {
    const listed = { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active', metadata: { tier: 'gold' } };
    expect(compareObject({ ...listed, metadata: { tier: 'silver' } }, storedSubscription(), FETCHED_AT)).to.equal('stale');
    expect(compareObject({ ...listed, cancel_at: 1_800_000_000 }, storedSubscription(), FETCHED_AT)).to.equal('stale');
    const { metadata: _metadata, ...withoutMetadata } = listed;
    expect(compareObject(withoutMetadata, storedSubscription(), FETCHED_AT)).to.equal('stale');
  });

  it('calls a different version newer when the stored watermark is after the fetch, stale when it is not', () => {
    const listed = { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'past_due', metadata: { tier: 'gold' } };
    const later = storedSubscription({ _mirror: { ...bookkeeping._mirror, watermark: FETCHED_AT + 1 } });
    const sameSecond = storedSubscription({ _mirror: { ...bookkeeping._mirror, watermark: FETCHED_AT } });
    expect(compareObject(listed, later, FETCHED_AT)).to.equal('newer');
    expect(compareObject(listed, sameSecond, FETCHED_AT)).to.equal('stale');
  });

  it('is missing without a stored document, and never equal to a tombstone', () => {
    const listed = { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active', metadata: { tier: 'gold' } };
    expect(compareObject(listed, undefined, FETCHED_AT)).to.equal('missing');
    expect(compareObject(listed, storedSubscription({ deleted: true }), FETCHED_AT)).to.equal('stale');
  });

  it('counts a plan stored as the price of the same id as equal (the price wins, and is compared as a price)', () => {
    const plan = { id: 'price_1', object: 'plan', amount: 500, interval: 'month' };
    const price = { _id: 'price_1', id: 'price_1', object: 'price', unit_amount: 500, ...bookkeeping };
    expect(compareObject(plan, price, FETCHED_AT)).to.equal('equal');
  });
});

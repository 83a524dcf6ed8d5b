import { expect } from '../support/chai.js';
import { DELETED_RANK, PROGRESSIONS, rankOf } from '../../src/sync/index.js';

describe('rankOf()', () => {
  it('orders subscription statuses along their progression', () => {
    const ranks = ['incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'canceled'].map((status) =>
      rankOf('subscription', { status }, false),
    );

    expect(ranks).to.deep.equal([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).to.equal(ranks.length);
  });

  it('ranks a higher counter above a lower one within a status', () => {
    expect(rankOf('charge', { status: 'succeeded', amount_refunded: 200 }, false)).to.be.greaterThan(
      rankOf('charge', { status: 'succeeded', amount_refunded: 100 }, false),
    );
  });

  it('ranks a later status above any counter of an earlier one', () => {
    expect(rankOf('charge', { status: 'succeeded', amount_refunded: 0 }, false)).to.be.greaterThan(
      rankOf('charge', { status: 'pending', amount_captured: 2 ** 40 }, false),
    );
  });

  it('ranks unknown types and statuses 0', () => {
    expect(rankOf('customer', { status: 'active' }, false)).to.equal(0);
    expect(rankOf('subscription', { status: 'brand_new_status' }, false)).to.equal(0);
    expect(rankOf('toString', {}, false)).to.equal(0);
  });

  it('ranks a tombstone above every progression', () => {
    const highest = Object.entries(PROGRESSIONS).flatMap(([type, progression]) =>
      Object.keys(progression.statuses).map((status) =>
        rankOf(type, { status, amount_refunded: 2 ** 40, attempt_count: 2 ** 40 }, false),
      ),
    );

    expect(rankOf('charge', {}, true)).to.equal(DELETED_RANK).and.to.be.greaterThan(Math.max(...highest));
  });
});

import { expect } from '../support/chai.js';
import { storedStripeFields, sync } from './helpers.js';

const price = {
  id: 'price_shared', object: 'price', active: true, currency: 'usd', unit_amount: 1500, type: 'recurring',
  recurring: { interval: 'month', interval_count: 1 }, product: 'prod_1', metadata: {},
};
const plan = {
  id: 'price_shared', object: 'plan', active: true, currency: 'usd', amount: 1500, interval: 'month',
  interval_count: 1, usage_type: 'licensed', product: 'prod_1', metadata: {},
};
const subscription = {
  id: 'sub_shared', object: 'subscription', customer: 'cus_1', status: 'active',
  items: { object: 'list', data: [{ id: 'si_1', object: 'subscription_item', plan, price }], has_more: false },
};

describe('syncStripeObjects() with a plan and a price sharing one id', () => {
  it('stores the price when a subscription item embeds both', async () => {
    await sync([subscription], { watermark: 100 });
    expect(await storedStripeFields('price_shared')).to.deep.equal(price);
  });

  it('lets a later price replace a stored plan, removing the fields only a plan has', async () => {
    await sync([plan], { watermark: 200 });
    await sync([price], { watermark: 100 });
    expect(await storedStripeFields('price_shared')).to.deep.equal(price);
  });

  it('never lets a plan overwrite the stored price, even with a newer watermark', async () => {
    await sync([price], { watermark: 100 });
    const report = await sync([plan], { watermark: 200 });
    expect(report.stale).to.equal(1);
    expect(await storedStripeFields('price_shared')).to.deep.equal(price);
  });

  it('still stores a plan whose id no price has', async () => {
    await sync([{ ...plan, id: 'gold_monthly' }], { watermark: 100 });
    expect(await storedStripeFields('gold_monthly')).to.deep.equal({ ...plan, id: 'gold_monthly' });
  });
});

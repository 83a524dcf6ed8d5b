import { expect } from '../support/chai.js';
import { byId, fixture, storedStripeFields, stripeObjects, sync } from './helpers.js';

const customer = { id: 'cus_layout', object: 'customer', email: 'customer1@example.com', metadata: {} };

describe('syncStripeObjects(): document layout', () => {
  it('stores a subscription as sent, with an expanded customer and transfer destination replaced by their ids', async () => {
    const subscription = fixture('subscription');
    await sync([{ ...subscription, customer }], { watermark: 1767226020 });

    const expected = structuredClone(subscription);
    expected.customer = 'cus_layout';
    expected.transfer_data = { amount_percent: null, destination: 'acct_QXg1fixture' };
    expect(await storedStripeFields(subscription.id ?? '')).to.deep.equal(expected);
  });

  it('stores each expanded object as its own document', async () => {
    await sync([{ ...fixture('subscription'), customer }]);

    expect(await storedStripeFields('cus_layout')).to.deep.equal(customer);
    expect(await storedStripeFields('acct_QXg1fixture')).to.include({ object: 'account' });
  });

  it('keeps embedded lists in place and stores their items, and objects nested in them, as documents too', async () => {
    const subscription = fixture('subscription');
    await sync([subscription]);

    const stored = await storedStripeFields(subscription.id ?? '');
    expect(stored?.items).to.deep.equal(subscription.items);
    const ids = (await stripeObjects().find({}, { projection: { object: 1 } }).toArray()).map((doc) => `${doc.object} ${String(doc._id)}`);
    expect(ids).to.have.members([
      'subscription sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
      'subscription_item si_QXhVnC2h0Jczwc',
      'price price_1PgafmB7WZ01zgkW6dKueIc5',
      'plan plan_QXg1fixture',
      'discount di_QXg1fixture',
      'account acct_QXg1fixture',
    ]);
  });

  it('does not store an expanded list on its parent but stores its items', async () => {
    const subscriptions = { object: 'list', data: [{ id: 'sub_a', object: 'subscription', customer: 'cus_layout', status: 'active' }], has_more: false, url: '/v1/subscriptions' };
    await sync([{ ...customer, subscriptions }]);

    expect(await storedStripeFields('cus_layout')).to.deep.equal(customer);
    expect(await storedStripeFields('sub_a')).to.deep.equal(subscriptions.data[0]);
  });

  it('replaces expanded objects inside an array at an expandable path and keeps ids already there', async () => {
    const discount = { id: 'di_1', object: 'discount', coupon: null };
    await sync([{ id: 'in_arr', object: 'invoice', status: 'draft', discounts: [discount, 'di_2'] }]);

    expect(await storedStripeFields('in_arr')).to.deep.include({ discounts: ['di_1', 'di_2'] });
    expect(await storedStripeFields('di_1')).to.deep.equal(discount);
  });

  it('follows dotted expandable paths and keeps objects without an id in place', async () => {
    const paymentMethod = { id: 'pm_1', object: 'payment_method', type: 'card' };
    const balance = { object: 'balance', available: [{ amount: 1, currency: 'usd' }] };
    await sync([{ ...customer, invoice_settings: { default_payment_method: paymentMethod, footer: null }, balance_snapshot: balance }]);

    expect(await storedStripeFields('cus_layout')).to.deep.include({
      invoice_settings: { default_payment_method: 'pm_1', footer: null },
      balance_snapshot: balance,
    });
    expect(await stripeObjects().countDocuments()).to.equal(2);
  });

  it('keeps metadata keys with dots, dollars, spaces and unicode as plain data', async () => {
    const metadata = { 'a.b': '1', $where: 'sleep(1000)', $set: 'x', ключ: 'значение', 'emoji 🎉': 'yes' };
    await sync([{ ...customer, metadata }]);

    expect(await storedStripeFields('cus_layout')).to.deep.equal({ ...customer, metadata });
  });

  it('writes the bookkeeping under _mirror and the Connect account at the top level', async () => {
    const before = Date.now();
    await sync([customer], { watermark: 1767225780, source: 'webhook', sourceId: 'evt_1', apiVersion: '2026-07-29.dahlia' });

    const stored = await stripeObjects().findOne(byId('cus_layout'));
    expect(stored).to.deep.include({ _id: 'cus_layout', stripeAccount: null });
    expect(stored?._mirror).to.deep.include({
      watermark: 1767225780, rank: 0, source: 'webhook', sourceId: 'evt_1', apiVersion: '2026-07-29.dahlia',
    });
    expect(stored?._mirror.syncedAt).to.be.instanceOf(Date);
    expect(stored?._mirror.syncedAt.getTime()).to.be.at.least(before - 1000);
  });

  it('defaults the watermark to the current unix second and the source to manual', async () => {
    const before = Math.floor(Date.now() / 1000);
    await sync([customer]);

    const stored = await stripeObjects().findOne(byId('cus_layout'));
    expect(stored?._mirror.watermark).to.be.within(before, before + 2);
    expect(stored?._mirror).to.deep.include({ source: 'manual', sourceId: null, apiVersion: null });
  });

  it('stores the Connect account on every document of the call', async () => {
    await sync([{ ...fixture('subscription'), customer }], { stripeAccount: 'acct_connected' });

    const accounts = await stripeObjects().distinct('stripeAccount');
    expect(accounts).to.deep.equal(['acct_connected']);
    expect(await stripeObjects().countDocuments()).to.equal(7);
  });

  it('leaves the objects passed unchanged', async () => {
    const subscription = { ...fixture('subscription'), customer };
    const before = structuredClone(subscription);
    await sync([subscription]);

    expect(subscription).to.deep.equal(before);
  });

  it('reports every document of the call, the object passed first', async () => {
    const report = await sync([{ ...customer, subscriptions: { object: 'list', data: [{ id: 'sub_r', object: 'subscription' }] } }]);

    expect(report).to.deep.equal({ upserted: 2, modified: 0, stale: 0, ids: ['cus_layout', 'sub_r'] });
  });
});

describe('syncStripeObjects(): a newer version replaces the stored one', () => {
  it('drops a field the newer version no longer has, keeping the bookkeeping', async () => {
    await sync([{ id: 'cus_replace', object: 'customer', email: 'a@example.com', phone: '+1 555' }], { watermark: 100 });
    await sync([{ id: 'cus_replace', object: 'customer', email: 'b@example.com' }], { watermark: 200, source: 'webhook' });
    const stored = await stripeObjects().findOne(byId('cus_replace'));
    expect(stored).to.include({ email: 'b@example.com' }).and.not.have.property('phone');
    expect(stored?._mirror).to.include({ watermark: 200, source: 'webhook' });
  });

  it('keeps a tombstone a tombstone, and lets a deleted stub keep the last known fields', async () => {
    await sync([{ id: 'cus_gone', object: 'customer', name: 'Last known' }], { watermark: 100 });
    await sync([{ id: 'cus_gone', object: 'customer', deleted: true }], { watermark: 200, deleted: true });
    await sync([{ id: 'cus_gone', object: 'customer', name: 'Later version' }], { watermark: 300 });
    const stored = await stripeObjects().findOne(byId('cus_gone'));
    expect(stored).to.include({ deleted: true, name: 'Later version' });
    expect(stored?._mirror.deletedAt).to.be.instanceOf(Date);
  });
});

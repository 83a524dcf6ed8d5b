import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { createStripeMirror, Customer, defaultMirror, StripeNotConfiguredError, StripeObject } from '../../src/models/index.js';

describe('createStripeMirror()', () => {
  let connection: mongoose.Connection;

  before(async () => {
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'stripe_mirror_models_app' }).asPromise();
  });

  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('defines every model on an application connection, separate from the default one', async () => {
    const mirror = createStripeMirror({ connection });
    await mirror.sync({ id: 'cus_app', object: 'customer' });
    expect(mirror.Customer.db).to.equal(connection);
    expect(await mirror.Customer.exists({ _id: 'cus_app' })).to.not.equal(null);
    expect(await Customer.exists({ _id: 'cus_app' })).to.equal(null);
  });

  it('returns the same mirror for the same connection', () => {
    expect(createStripeMirror({ connection })).to.equal(createStripeMirror({ connection }));
  });

  it('throws stripe_not_configured when asked for a Stripe client it was not given', () => {
    const mirror = createStripeMirror({ connection });
    expect(() => mirror.stripe()).to.throw(StripeNotConfiguredError).with.property('code', 'stripe_not_configured');
  });

  it('has a typed model per object type and falls back to the base model for unknown types', () => {
    const mirror = defaultMirror();
    expect(mirror.model('customer')).to.equal(Customer);
    expect(mirror.model('checkout.session')).to.equal(mirror.CheckoutSession);
    expect(mirror.model('event')).to.equal(mirror.Event);
    expect(mirror.model('not_a_type')).to.equal(StripeObject);
  });

  it('syncs one object or many through mirror.sync', async () => {
    const report = await defaultMirror().sync([{ id: 'cus_s1', object: 'customer' }, { id: 'cus_s2', object: 'customer' }]);
    expect(report.ids).to.deep.equal(['cus_s1', 'cus_s2']);
    expect((await defaultMirror().sync({ id: 'cus_s3', object: 'customer' })).upserted).to.equal(1);
  });
});

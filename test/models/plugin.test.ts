import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { Customer, Event, InvalidStripeObjectError, StripeObject, Subscription } from '../../src/models/index.js';
import { stripeFields } from './support/expected.js';

/** Collects the collection operations run through mongoose's connection while `action` runs (mongoose's debug hook). */
async function mongooseOperations(action: () => Promise<unknown>): Promise<string[]> {
  const operations: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => void operations.push(`${collection}.${method}`));
  try {
    await action();
  } finally {
    mongoose.set('debug', false);
  }
  return operations;
}

describe('stripeObjectPlugin', () => {
  describe('StripeObject.syncFromStripeData()', () => {
    it('keeps metadata keys containing dots, dollars, spaces and unicode intact', async () => {
      const metadata = { 'a.b': '1', $where: 'x', 'with space': 'y', 'ключ': 'значение', '': 'empty' };
      await StripeObject.syncFromStripeData({ id: 'cus_meta', object: 'customer', metadata });
      const stored = await Customer.findById('cus_meta').lean();
      expect(stored!.metadata).to.deep.equal(metadata);
    });

    it('reads back through toObject() and lean() exactly as sent, numbers and nulls included', async () => {
      const input = { id: 'cus_exact', object: 'customer', created: 1700000000, balance: 0, email: null, livemode: false, metadata: {}, address: { city: 'Paris', line2: null } };
      await StripeObject.syncFromStripeData(input);
      expect(stripeFields((await Customer.findById('cus_exact'))!.toObject())).to.deep.equal(input);
      expect(stripeFields((await Customer.findById('cus_exact').lean())!)).to.deep.equal(input);
    });

    it('routes by `object`: the base model returns the discriminator document', async () => {
      const stored = await StripeObject.syncFromStripeData({ id: 'sub_route', object: 'subscription', status: 'active' });
      expect(stored.constructor).to.equal(Subscription);
      expect((await StripeObject.findById('sub_route'))!.constructor).to.equal(Subscription);
    });

    it('stores an object type it does not know through the base model', async () => {
      await StripeObject.syncFromStripeData({ id: 'xyz_1', object: 'brand_new.thing', value: 1 });
      const stored = await StripeObject.findById('xyz_1');
      expect(stored!.constructor).to.equal(StripeObject);
      expect(stored!.get('value')).to.equal(1);
    });

    it('records the owning Connect account at the top level, null for the platform', async () => {
      await StripeObject.syncFromStripeData({ id: 'cus_acct', object: 'customer' }, { stripeAccount: 'acct_1' });
      await StripeObject.syncFromStripeData({ id: 'cus_plat', object: 'customer' });
      expect(await Customer.find({ stripeAccount: 'acct_1' }).distinct('_id')).to.deep.equal(['cus_acct']);
      expect((await Customer.findById('cus_plat'))!.stripeAccount).to.equal(null);
    });

    it('stores expanded objects as ids and upserts them as their own documents', async () => {
      const stored = await StripeObject.syncFromStripeData({
        id: 'sub_exp',
        object: 'subscription',
        customer: { id: 'cus_exp', object: 'customer', email: 'a@example.com' },
      });
      expect(stored.get('customer')).to.equal('cus_exp');
      expect((await Customer.findById('cus_exp'))!.email).to.equal('a@example.com');
    });

    it('writes an object with expanded objects in one bulkWrite and returns it without reading it back', async () => {
      const subscription = {
        id: 'sub_one_trip',
        object: 'subscription',
        customer: { id: 'cus_one_trip', object: 'customer' },
        latest_invoice: { id: 'in_one_trip', object: 'invoice' },
        default_payment_method: { id: 'pm_one_trip', object: 'payment_method' },
      };
      let stored: unknown;
      const operations = await mongooseOperations(async () => {
        stored = await StripeObject.syncFromStripeData(subscription);
      });
      expect(operations).to.deep.equal(['stripe_objects.bulkWrite']);
      expect(stored).to.have.property('customer', 'cus_one_trip');
    });

    it('returns the stored, newer document when the write was stale', async () => {
      await StripeObject.syncFromStripeData({ id: 'cus_new', object: 'customer', name: 'newer' }, { watermark: 200 });
      const returned = await StripeObject.syncFromStripeData({ id: 'cus_new', object: 'customer', name: 'older' }, { watermark: 100 });
      expect(returned.get('name')).to.equal('newer');
      expect(returned._mirror!.watermark).to.equal(200);
    });

    it('ends at the newest version whatever order the versions arrive in', async () => {
      const versions = [
        { watermark: 100, status: 'incomplete' },
        { watermark: 200, status: 'active' },
        { watermark: 300, status: 'past_due' },
      ];
      const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
      for (const [n, order] of orders.entries()) {
        const id = `sub_order${n}`;
        for (const index of order) {
          const { watermark, status } = versions[index]!;
          await Subscription.syncFromStripeData({ id, object: 'subscription', status }, { watermark });
        }
        expect((await Subscription.findById(id))!.status, order.join(',')).to.equal('past_due');
      }
    });

    it('keeps a tombstone for deletions, with when', async () => {
      await StripeObject.syncFromStripeData({ id: 'cus_del', object: 'customer', name: 'gone' });
      const tombstone = await StripeObject.syncFromStripeData({ id: 'cus_del', object: 'customer', deleted: true }, { deleted: true });
      expect(tombstone.deleted).to.equal(true);
      expect(tombstone._mirror!.deletedAt).to.be.instanceOf(Date);
      expect(tombstone.get('name')).to.equal('gone');
    });

    it('rejects data that is not a Stripe object', async () => {
      await expect(StripeObject.syncFromStripeData({ id: 'x' } as never)).to.be.rejectedWith(InvalidStripeObjectError);
      await expect(StripeObject.syncFromStripeData({ object: 'customer' })).to.be.rejectedWith(InvalidStripeObjectError, 'without an id');
    });
  });

  describe('syncManyFromStripeData()', () => {
    it('writes many objects and reports what it did', async () => {
      const report = await Customer.syncManyFromStripeData([
        { id: 'cus_m1', object: 'customer' },
        { id: 'cus_m2', object: 'customer' },
      ]);
      expect(report).to.include({ upserted: 2, stale: 0 });
      expect(await Customer.countDocuments()).to.equal(2);
    });
  });

  describe('schema', () => {
    it('creates the account, relation and event-worker indexes', async () => {
      await StripeObject.init();
      await Event.init();
      const objectIndexes = (await StripeObject.collection.indexes()).map((index) => Object.keys(index.key).join('+'));
      const eventIndexes = (await Event.collection.indexes()).map((index) => Object.keys(index.key).join('+'));
      expect(objectIndexes).to.include.members(['stripeAccount+object+created', 'customer+object']);
      expect(eventIndexes).to.include.members(['status+nextAttemptAt', 'type+created']);
    });

    it('names mongoose models with a Stripe prefix so an app can have its own Customer model', () => {
      expect(Customer.modelName).to.equal('StripeCustomer');
      expect(() => mongoose.model('Customer', new mongoose.Schema({ name: String }))).to.not.throw();
      mongoose.deleteModel('Customer');
    });
  });
});

describe('Event model', () => {
  it('stores events in stripe_events with processing defaults, data.object left in place', async () => {
    const event = {
      id: 'evt_1',
      object: 'event',
      type: 'customer.created',
      created: 1700000000,
      data: { object: { id: 'cus_in_event', object: 'customer' } },
    };
    const stored = await Event.syncFromStripeData(event);
    expect(Event.collection.collectionName).to.equal('stripe_events');
    expect(stored.status).to.equal('pending');
    expect(stored.attempts).to.equal(0);
    expect((await Event.findById('evt_1').lean())!.data).to.deep.equal(event.data);
    expect(await StripeObject.exists({ _id: 'cus_in_event' })).to.equal(null);
  });
});

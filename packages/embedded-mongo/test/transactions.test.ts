import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

describe('embedded MongoDB conformance: transactions', () => {
  const t = useTestDatabase('conformance_transactions');
  const docs = () => t.db.collection<{ _id: string; v?: number }>('docs');

  beforeEach(async () => {
    await docs().insertMany([{ _id: 'keep', v: 1 }, { _id: 'gone', v: 2 }]);
  });

  it('makes the writes of a committed transaction visible', async () => {
    const session = t.client.startSession();
    try {
      await session.withTransaction(async () => {
        await docs().insertOne({ _id: 'new', v: 3 }, { session });
        await docs().updateOne({ _id: 'keep' }, { $set: { v: 10 } }, { session });
        await docs().deleteOne({ _id: 'gone' }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 'keep', v: 10 }, { _id: 'new', v: 3 }]);
  });

  it('rolls back inserts, updates and deletes of an aborted transaction', async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await docs().insertOne({ _id: 'new', v: 3 }, { session });
      await docs().updateOne({ _id: 'keep' }, { $set: { v: 10 } }, { session });
      await docs().deleteOne({ _id: 'gone' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 'gone', v: 2 }, { _id: 'keep', v: 1 }]);
  });

  it('reads its own writes inside the transaction', async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await docs().insertOne({ _id: 'mine' }, { session });
      expect(await docs().countDocuments({}, { session })).to.equal(3);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('rolls back when the callback of withTransaction throws', async () => {
    const session = t.client.startSession();
    const run = session.withTransaction(async () => {
      await docs().insertOne({ _id: 'temp' }, { session });
      throw new Error('callback failed');
    });
    await expect(run).to.be.rejectedWith('callback failed');
    await session.endSession();
    expect(await docs().countDocuments({ _id: 'temp' })).to.equal(0);
  });
});

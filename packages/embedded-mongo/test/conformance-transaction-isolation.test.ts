import { MongoServerError } from 'mongodb';
import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

/**
 * Transaction isolation as MongoDB documents it (https://www.mongodb.com/docs/manual/core/transactions/): until a
 * transaction commits, its writes are invisible outside it; a transaction writing a document another open
 * transaction wrote fails with WriteConflict (112) labelled TransientTransactionError
 * (https://www.mongodb.com/docs/manual/core/transactions-production-consideration/#in-progress-transactions-and-write-conflicts).
 */
describe('embedded MongoDB conformance: transaction isolation', () => {
  const t = useTestDatabase('conformance_transaction_isolation');
  const docs = () => t.db.collection<{ _id: string; v: number }>('docs');

  beforeEach(async () => {
    await docs().insertOne({ _id: 'a', v: 1 });
  });

  it('a read outside an open transaction does not see its uncommitted writes, then sees them once committed', async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await docs().updateOne({ _id: 'a' }, { $set: { v: 2 } }, { session });
      await docs().insertOne({ _id: 'b', v: 3 }, { session });
      expect(await docs().find({}, { session }).sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 'a', v: 2 }, { _id: 'b', v: 3 }]);
      expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 'a', v: 1 }]);
      expect(await docs().countDocuments({})).to.equal(1);
      await session.commitTransaction();
      expect(await docs().find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 'a', v: 2 }, { _id: 'b', v: 3 }]);
    } finally {
      await session.endSession();
    }
  });

  it('the second of two open transactions updating one document gets WriteConflict (112, TransientTransactionError)', async () => {
    const first = t.client.startSession();
    const second = t.client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await docs().updateOne({ _id: 'a' }, { $set: { v: 10 } }, { session: first });
      const error = await docs().updateOne({ _id: 'a' }, { $set: { v: 20 } }, { session: second }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MongoServerError);
      expect((error as MongoServerError).code).to.equal(112);
      expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).to.equal(true);
      await second.abortTransaction().catch(() => undefined);
      await first.commitTransaction();
      expect(await docs().findOne({ _id: 'a' })).to.deep.equal({ _id: 'a', v: 10 });
    } finally {
      await first.endSession();
      await second.endSession();
    }
  });
});

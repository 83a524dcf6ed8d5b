import mongoose from 'mongoose';
import { expect } from './support/chai.js';
import { testMongoUri } from './support/setup.js';

interface AuthorFields {
  name: string;
  email: string;
}
interface BookFields {
  title: string;
  author?: mongoose.Types.ObjectId;
  pages?: number;
}

describe('embedded MongoDB conformance: mongoose models', () => {
  let connection: mongoose.Connection;
  let Author: mongoose.Model<AuthorFields>;
  let Book: mongoose.Model<BookFields>;

  before(async () => {
    connection = await mongoose.createConnection(testMongoUri(), { dbName: 'conformance_mongoose' }).asPromise();
    await connection.dropDatabase();
    Author = connection.model<AuthorFields>('Author', new mongoose.Schema<AuthorFields>({ name: String, email: { type: String, unique: true } }));
    Book = connection.model<BookFields>('Book', new mongoose.Schema<BookFields>({ title: String, author: { type: mongoose.Schema.Types.ObjectId, ref: 'Author' }, pages: Number }));
    await Author.init();
    await Book.init();
  });

  afterEach(async () => {
    await Author.deleteMany({});
    await Book.deleteMany({});
  });

  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates documents and populates references', async () => {
    const ann = await Author.create({ name: 'Ann', email: 'ann@x.io' });
    await Book.create({ title: 'First', author: ann._id, pages: 100 });
    const book = await Book.findOne({ title: 'First' }).populate<{ author: { name: string } }>('author').lean();
    expect(book?.author.name).to.equal('Ann');
  });

  it('raises E11000 for a duplicate on a unique schema index', async () => {
    await Author.create({ name: 'Ann', email: 'same@x.io' });
    await expect(Author.create({ name: 'Other', email: 'same@x.io' })).to.be.rejectedWith(/E11000/);
  });

  it('bulk-writes upserts through Model.bulkWrite', async () => {
    const ids = Array.from({ length: 20 }, () => new mongoose.Types.ObjectId());
    const result = await Book.bulkWrite(ids.map((_id, i) => ({ updateOne: { filter: { _id }, update: { $set: { title: `t${i}` } }, upsert: true } })));
    expect(result.upsertedCount).to.equal(20);
    expect(await Book.countDocuments({ title: /^t1/ })).to.equal(11);
  });

  it('queries with sort, limit, select and updates with findOneAndUpdate', async () => {
    await Book.insertMany([{ title: 'a', pages: 3 }, { title: 'b', pages: 1 }, { title: 'c', pages: 2 }]);
    const titles = (await Book.find().sort({ pages: 1 }).limit(2).select('title').lean()).map((b) => b.title);
    expect(titles).to.deep.equal(['b', 'c']);
    const updated = await Book.findOneAndUpdate({ title: 'a' }, { $inc: { pages: 1 } }, { returnDocument: 'after' }).lean();
    expect(updated?.pages).to.equal(4);
  });
});

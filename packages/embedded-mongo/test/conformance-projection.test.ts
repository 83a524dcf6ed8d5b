import { expect } from './support/chai.js';
import { useTestDatabase } from './database.js';

interface Student {
  _id: number;
  name: string;
  grades: number[];
  scores: { subject: string; score: number }[];
}

/**
 * Find projection operators as MongoDB documents them: `$slice`
 * (https://www.mongodb.com/docs/manual/reference/operator/projection/slice/), positional `$`
 * (https://www.mongodb.com/docs/manual/reference/operator/projection/positional/) and `$elemMatch`
 * (https://www.mongodb.com/docs/manual/reference/operator/projection/elemMatch/).
 */
describe('embedded MongoDB conformance: projection operators', () => {
  const t = useTestDatabase('conformance_projection');
  const students = () => t.db.collection<Student>('students');

  beforeEach(async () => {
    await students().insertOne({
      _id: 1,
      name: 'ada',
      grades: [70, 88, 95],
      scores: [{ subject: 'math', score: 60 }, { subject: 'art', score: 91 }, { subject: 'music', score: 99 }],
    });
  });

  it('{ arr: { $slice: 1 } } alone returns every field, the array sliced', async () => {
    const doc = await students().findOne({ _id: 1 }, { projection: { grades: { $slice: 1 } } });
    expect(doc).to.deep.equal({ _id: 1, name: 'ada', grades: [70], scores: [{ subject: 'math', score: 60 }, { subject: 'art', score: 91 }, { subject: 'music', score: 99 }] });
  });

  it('$slice with [skip, limit] combined with an inclusion includes only the named fields', async () => {
    const doc = await students().findOne({ _id: 1 }, { projection: { name: 1, grades: { $slice: [1, 1] } } });
    expect(doc).to.deep.equal({ _id: 1, name: 'ada', grades: [88] });
  });

  it('positional arr.$ returns the first element matching the query', async () => {
    const doc = await students().findOne({ grades: { $gte: 85 } }, { projection: { 'grades.$': 1 } });
    expect(doc).to.deep.equal({ _id: 1, grades: [88] });
  });

  it('$elemMatch with $gte and $in returns the first matching element only', async () => {
    const byScore = await students().findOne({ _id: 1 }, { projection: { scores: { $elemMatch: { score: { $gte: 90 } } } } });
    expect(byScore).to.deep.equal({ _id: 1, scores: [{ subject: 'art', score: 91 }] });
    const bySubject = await students().findOne({ _id: 1 }, { projection: { name: 1, scores: { $elemMatch: { subject: { $in: ['music', 'poetry'] } } } } });
    expect(bySubject).to.deep.equal({ _id: 1, name: 'ada', scores: [{ subject: 'music', score: 99 }] });
  });

  it('$elemMatch matching no element omits the field', async () => {
    const doc = await students().findOne({ _id: 1 }, { projection: { scores: { $elemMatch: { score: { $gt: 100 } } } } });
    expect(doc).to.deep.equal({ _id: 1 });
  });
});

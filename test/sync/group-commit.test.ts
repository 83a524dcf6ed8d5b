import { expect } from '../support/chai.js';
import { fulfilled, GroupCommit } from '../../src/sync/group-commit.js';

/** A write function whose calls the test settles by hand. */
function manualWrites(): { writes: string[][]; settle(index: number, error?: Error): void; write(items: string[]): Promise<PromiseSettledResult<void>[]> } {
  const writes: string[][] = [];
  const settlers: ((error?: Error) => void)[] = [];
  return {
    writes,
    settle: (index, error) => settlers[index]?.(error),
    write: (items) => {
      writes.push(items);
      return new Promise((resolve, reject) => settlers.push((error) => (error ? reject(error) : resolve(items.map(fulfilled)))));
    },
  };
}

/** Lets queued promise callbacks run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item at once, alone', async () => {
    const manual = manualWrites();
    const commit = new GroupCommit(manual.write);
    const done = commit.add('a');
    expect(manual.writes).to.deep.equal([['a']]);
    manual.settle(0);
    await done;
  });

  it('puts every item added while a write is in flight into the next write', async () => {
    const manual = manualWrites();
    const commit = new GroupCommit(manual.write);
    const settled: string[] = [];
    const adds = ['a', 'b', 'c', 'd'].map((item) => commit.add(item).then(() => settled.push(item)));
    expect(manual.writes).to.deep.equal([['a']]);
    manual.settle(0);
    await tick();
    expect(settled).to.deep.equal(['a']);
    expect(manual.writes).to.deep.equal([['a'], ['b', 'c', 'd']]);
    manual.settle(1);
    await Promise.all(adds);
    expect(settled).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('rejects exactly the callers of a failed write, and keeps writing later items', async () => {
    const manual = manualWrites();
    const commit = new GroupCommit(manual.write);
    const first = commit.add('a');
    const second = commit.add('b');
    manual.settle(0, new Error('connection lost'));
    await expect(first).to.be.rejectedWith('connection lost');
    const third = commit.add('c');
    expect(manual.writes).to.deep.equal([['a'], ['b']]);
    manual.settle(1);
    await second;
    await tick();
    expect(manual.writes).to.deep.equal([['a'], ['b'], ['c']]);
    manual.settle(2);
    await third;
  });

  it('rejects the callers when the write function throws instead of rejecting', async () => {
    const commit = new GroupCommit<string>(() => {
      throw new Error('not serializable');
    });
    await expect(commit.add('a')).to.be.rejectedWith('not serializable');
    await expect(commit.add('b')).to.be.rejectedWith('not serializable');
  });

  it('settles each caller with its own item result, so one item failing fails only its caller', async () => {
    const commit = new GroupCommit<string, string>((items) =>
      Promise.resolve(
        items.map((item): PromiseSettledResult<string> =>
          item === 'bad' ? { status: 'rejected', reason: new Error('bad item') } : { status: 'fulfilled', value: item.toUpperCase() },
        ),
      ),
    );
    const [a, bad, b] = await Promise.allSettled([commit.add('a'), commit.add('bad'), commit.add('b')]);
    expect(a).to.deep.equal({ status: 'fulfilled', value: 'A' });
    expect(bad).to.have.property('status', 'rejected');
    expect(b).to.deep.equal({ status: 'fulfilled', value: 'B' });
  });
});

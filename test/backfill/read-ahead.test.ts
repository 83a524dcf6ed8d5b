import { groupPages, type ListPage } from '../../src/backfill/list-pages.js';
import { readAhead } from '../../src/backfill/read-ahead.js';
import { expect } from '../support/chai.js';

/** A source of `count` numbers that logs when each is produced and whether it was closed. */
function counting(count: number, log: string[], failAt?: number): AsyncGenerator<number> {
  return (async function* () {
    try {
      for (let i = 1; i <= count; i += 1) {
        await Promise.resolve();
        if (i === failAt) throw new Error(`source failed at ${i}`);
        log.push(`made ${i}`);
        yield i;
      }
    } finally {
      log.push('closed');
    }
  })();
}

function page(ids: readonly string[]): ListPage {
  return { data: ids.map((id) => ({ id, object: 'customer' })), hasMore: true, fetchedAt: 0, totalCount: undefined };
}

describe('readAhead()', () => {
  it('produces the next item while the consumer handles the current one, and no further', async () => {
    const log: string[] = [];
    for await (const n of readAhead(counting(3, log))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`handled ${n}`);
    }
    expect(log).to.deep.equal(['made 1', 'made 2', 'handled 1', 'made 3', 'handled 2', 'closed', 'handled 3']);
  });

  it('closes the source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const n of readAhead(counting(5, log))) {
      if (n === 2) break;
    }
    expect(log).to.deep.equal(['made 1', 'made 2', 'made 3', 'closed']);
  });

  it('hands the error of the source to the consumer when it asks for that item', async () => {
    const handled: number[] = [];
    const consume = async (): Promise<void> => {
      for await (const n of readAhead(counting(5, [], 3))) handled.push(n);
    };
    await expect(consume()).to.be.rejectedWith(/source failed at 3/);
    expect(handled).to.deep.equal([1, 2]);
  });
});

describe('groupPages()', () => {
  it('takes whole pages until a group reaches the size, and yields the rest at the end', async () => {
    const source = (async function* () {
      yield page(['a', 'b']);
      yield page(['c']);
      yield page(['d', 'e']);
      yield page(['f']);
    })();
    const groups: string[][] = [];
    for await (const group of groupPages(source, 3)) groups.push(group.flatMap((p) => p.data.map((o) => o.id)));
    expect(groups).to.deep.equal([['a', 'b', 'c'], ['d', 'e', 'f']]);
  });
});

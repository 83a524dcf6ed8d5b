import { expect } from './support/chai.js';
import { compareComponents, orderedEntries } from '../src/update-order.js';

/**
 * The comparison itself, for the cases a JavaScript document cannot show (integer-like keys always enumerate first
 * in numeric order): mongod's `cmpPathsAndArrayIndexes` orders zero-padded names as strings, other digit-led names
 * by length first, and everything else by UTF-8 bytes.
 */
describe('embedded MongoDB: update path order', () => {
  const sorted = (names: string[]) => [...names].sort(compareComponents);

  it('orders digit-led names by length unless zero-padded, like cmpPathsAndArrayIndexes', () => {
    expect(sorted(['b', '10', '02', '2', '1x', '0'])).to.deep.equal(['0', '02', '2', '10', '1x', 'b']);
  });

  it('orders other names by UTF-8 bytes, astral characters after U+FFFD', () => {
    expect(sorted(['é', '\u{1F600}', '\uFFFD', 'z', 'Z', '_'])).to.deep.equal(['Z', '_', 'z', 'é', '\uFFFD', '\u{1F600}']);
  });

  it('sorts the paths of all operators together, $rename by its destination, keeping statement order when sorted', () => {
    const update = { $set: { z: 1, 'a.10': 1, 'a.9': 1 }, $rename: { old: 'b' }, $inc: { 'a.$.n': 1 } };
    expect(orderedEntries(update, 3).map((e) => `${e.op} ${e.path}`)).to.deep.equal(['$inc a.$.n', '$set a.9', '$set a.10', '$rename old', '$set z']);
    const inOrder = { $set: { a: 1, b: 1 } };
    expect(orderedEntries(inOrder, undefined).map((e) => e.path)).to.deep.equal(['a', 'b']);
  });
});

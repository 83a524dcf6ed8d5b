import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { compareValues } from './compare.js';
import { MongoCommandError } from './errors.js';

/**
 * The comparison expressions (`$cmp`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`) with MongoDB's BSON type order,
 * replacing mingo's, which answer false across types: in mongod `{ $lt: [null, 0] }`, `[0, 'a']`, `[[], {}]` and
 * `[1, true]` are all true (null < numbers < strings < objects < arrays < … < booleans), numbers compare across
 * int/long/double/decimal, and a missing value sorts below null.
 *
 * ```ts
 * comparisonExpressions.$lt({}, [null, 0], options); // true
 * ```
 */
type Expression = (obj: unknown, expr: unknown, options: Options) => unknown;

/** Three-way BSON comparison where missing (undefined) sorts below every value, null included. */
function compareWithMissing(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareValues(a, b);
}

function comparison(name: string, answer: (order: number) => unknown): Expression {
  return (obj, expr, options) => {
    if (!Array.isArray(expr) || expr.length !== 2) {
      const count = Array.isArray(expr) ? expr.length : 1;
      throw new MongoCommandError('Location16020', `Expression ${name} takes exactly 2 arguments. ${count} were passed in.`);
    }
    const [a, b] = evalExpr(obj, expr, options) as unknown[];
    return answer(compareWithMissing(a, b));
  };
}

export const comparisonExpressions: Record<string, Expression> = {
  $cmp: comparison('$cmp', (c) => Math.sign(c)),
  $eq: comparison('$eq', (c) => c === 0),
  $ne: comparison('$ne', (c) => c !== 0),
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
};

import { Decimal128, Double } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { bsonTag } from './bson-tag.js';
import { compareValues, isNumeric } from './compare.js';
import { comparisonExpressions } from './expression-compare.js';
import { addNumbers } from './numeric.js';
import type { Doc } from './paths.js';

/**
 * Accumulators that replace mingo's where it gets BSON numbers wrong: mingo's `$sum`/`$avg` ignore `Long` and
 * `Decimal128` (they are objects, not JS numbers) and its `$min`/`$max` compare them as strings. These use the
 * embedded server's exact arithmetic and MongoDB ordering, so `$group` over int64 and decimal amounts is right.
 * `$avg` is a double unless decimal: an integral mean is a `Double`, which a JS number would not encode as.
 *
 * ```ts
 * bsonAggregator([{ $group: { _id: '$customer', total: { $sum: '$amount' } } }]).run(docs);
 * ```
 */
function values(collection: unknown[], expr: unknown, options: Options): unknown[] {
  return accumulatorOperators.$push(collection, expr, options) as unknown[];
}

function sum(collection: unknown[], expr: unknown, options: Options): unknown {
  let total: unknown = 0;
  for (const value of values(collection, expr, options)) {
    if (isNumeric(value)) total = addNumbers(total, value);
  }
  return total;
}

function average(collection: unknown[], expr: unknown, options: Options): unknown {
  const numbers = values(collection, expr, options).filter(isNumeric);
  if (numbers.length === 0) return null;
  const total = numbers.reduce((a, b) => addNumbers(a, b), 0);
  const mean = Number(String(total)) / numbers.length;
  if (bsonTag(total) === 'Decimal128') return Decimal128.fromString(String(mean));
  return Number.isInteger(mean) ? new Double(mean) : mean;
}

function extreme(direction: 1 | -1): (collection: unknown[], expr: unknown, options: Options) => unknown {
  return (collection, expr, options) => {
    let best: unknown = null;
    for (const value of values(collection, expr, options)) {
      if (value === null || value === undefined) continue;
      if (best === null || compareValues(value, best) * direction > 0) best = value;
    }
    return best;
  };
}

/** mingo's operators, with the accumulators above and BSON-ordered comparisons in place of its own. */
export const context = Context.init({
  accumulator: { ...accumulatorOperators, $sum: sum, $avg: average, $min: extreme(-1), $max: extreme(1) },
  expression: { ...expressionOperators, ...comparisonExpressions },
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
});

/** A mingo aggregator using the BSON-aware accumulators; `collectionResolver` serves `$lookup` and friends. */
export function bsonAggregator(pipeline: Doc[], collectionResolver?: (name: string) => Doc[]): Aggregator {
  return new Aggregator(pipeline, { context, ...(collectionResolver ? { collectionResolver } : {}) });
}

/** Puts `_id` first in a document produced by mingo, where MongoDB would have it. */
export function idFirst(doc: Doc): Doc {
  if (!('_id' in doc)) return doc;
  for (const key in doc) {
    if (key === '_id') return doc;
    break;
  }
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

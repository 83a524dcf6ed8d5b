import { compareValues, isNumeric, valuesEqual } from './compare.js';
import { MongoCommandError, unsupported } from './errors.js';
import { type Doc, collectPathValues, deepCopy, isPlainObject, splitPath } from './paths.js';
import { bsonAggregator, idFirst } from './mingo-context.js';
import { validateFilter } from './filter-check.js';
import { matches } from './query.js';
import { sortDocuments } from './sort.js';
import type { Storage } from './storage.js';

/**
 * Aggregation pipelines. `$match`, `$sort`, `$skip`, `$limit`, `$count` and the equality form of `$lookup` run on
 * the embedded server's own MongoDB-exact matching and ordering; every other stage is evaluated by mingo on copies
 * of the documents. Stages that need a real server (`$changeStream`, `$out`, `$merge`, search, geo) are refused.
 *
 * ```ts
 * runPipeline(docs, [{ $match: { status: 'paid' } }, { $group: { _id: '$customer', n: { $sum: 1 } } }], { storage, db });
 * ```
 */
export interface PipelineContext {
  storage: Storage;
  db: string;
}

const refused = new Set(['$changeStream', '$changeStreamSplitLargeEvent', '$out', '$merge', '$search', '$searchMeta', '$vectorSearch', '$geoNear', '$collStats', '$indexStats', '$currentOp', '$listSessions', '$planCacheStats']);

export function runPipeline(input: Doc[], pipeline: unknown, context: PipelineContext): Doc[] {
  if (!Array.isArray(pipeline)) throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  let docs = input;
  let copied = false;
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new MongoCommandError('Location', 'A pipeline stage specification object must contain exactly one field.');
    }
    const [name, spec] = Object.entries(stage)[0] as [string, unknown];
    if (refused.has(name)) throw unsupported(name === '$changeStream' ? 'change streams ($changeStream)' : `the ${name} stage`);
    switch (name) {
      case '$match':
        if (!isPlainObject(spec)) throw new MongoCommandError('Location', 'the match filter must be an expression in an object');
        validateFilter(spec);
        docs = docs.filter((doc) => matches(doc, spec));
        break;
      case '$sort':
        if (!isPlainObject(spec)) throw new MongoCommandError('Location', 'the $sort key specification must be an object');
        docs = sortDocuments(docs, spec);
        break;
      case '$skip':
        docs = docs.slice(Number(spec));
        break;
      case '$limit':
        docs = docs.slice(0, limitOf(spec));
        break;
      case '$count':
        if (typeof spec !== 'string' || spec.length === 0) throw new MongoCommandError('Location', 'the count field must be a non-empty string');
        docs = docs.length === 0 ? [] : [{ [spec]: docs.length }];
        break;
      case '$bucket':
        docs = runPipeline(docs, bucketStages(spec), context);
        copied = true;
        break;
      case '$project': {
        const projected = viaMingo(copied ? docs : deepCopy(docs), stage, context);
        docs = isPlainObject(spec) ? projected.map((doc, i) => inWrittenOrder(docs[i] as Doc, doc, spec)) : projected;
        copied = true;
        break;
      }
      case '$lookup':
        if (isPlainObject(spec) && typeof spec.localField === 'string' && spec.pipeline === undefined) {
          docs = lookup(docs, spec, context);
          break;
        }
        docs = viaMingo(copied ? docs : deepCopy(docs), stage, context);
        copied = true;
        break;
      default:
        docs = viaMingo(copied ? docs : deepCopy(docs), stage, context);
        copied = true;
    }
  }
  return docs;
}

/**
 * `$bucket` as mongod runs it: a `$group` on a `$switch` over the boundaries, each bucket `[lower, upper)` (a value
 * equal to a boundary goes in the bucket that boundary opens), then a `$sort` on `_id`.
 *
 * ```ts
 * bucketStages({ groupBy: '$price', boundaries: [0, 100, 200] }); // [{ $group: … }, { $sort: { _id: 1 } }]
 * ```
 */
function bucketStages(spec: unknown): Doc[] {
  if (!isPlainObject(spec)) throw new MongoCommandError('Location40201', 'Argument to $bucket stage must be an object');
  const { groupBy, boundaries, output } = spec;
  if (!Array.isArray(boundaries) || boundaries.length < 2) {
    throw new MongoCommandError('Location40192', "The $bucket 'boundaries' field must have at least 2 values");
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (compareValues(boundaries[i - 1], boundaries[i]) >= 0) {
      throw new MongoCommandError('Location40194', "The 'boundaries' option to $bucket must be sorted in ascending order");
    }
  }
  const branches = boundaries.slice(0, -1).map((lower, i) => ({
    case: { $and: [{ $gte: [groupBy, { $literal: lower }] }, { $lt: [groupBy, { $literal: boundaries[i + 1] }] }] },
    then: { $literal: lower },
  }));
  const $switch: Doc = { branches };
  if ('default' in spec) $switch.default = { $literal: spec.default };
  const accumulators = isPlainObject(output) ? output : { count: { $sum: 1 } };
  return [{ $group: { _id: { $switch }, ...accumulators } }, { $sort: { _id: 1 } }];
}

/**
 * A `$project` result in mongod's field order: `_id`, the included fields in the input document's order, then the
 * computed fields in the order the stage writes them (mingo writes them alphabetically). Exclusions keep mingo's order.
 *
 * ```ts
 * inWrittenOrder({ _id: 1, a: 1 }, { _id: 1, a: 1, b: 2, z: 3 }, { z: 3, b: 2, a: 1 }); // { _id: 1, a: 1, z: 3, b: 2 }
 * ```
 */
function inWrittenOrder(input: Doc, output: Doc, spec: Doc): Doc {
  const included = new Set<string>();
  const computed: string[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (key === '_id') continue;
    const root = key.split('.')[0] as string;
    if (value === 0 || value === false) return output;
    if (value === 1 || value === true || typeof value === 'number') included.add(root);
    else if (!computed.includes(root)) computed.push(root);
  }
  const order = ['_id', ...Object.keys(input).filter((k) => included.has(k) && !computed.includes(k)), ...computed];
  const result: Doc = {};
  for (const key of order) if (Object.hasOwn(output, key)) result[key] = output[key];
  for (const key of Object.keys(output)) if (!Object.hasOwn(result, key)) result[key] = output[key];
  return result;
}

/** `$limit`'s argument, checked as mongod checks it: a positive integral number (`{ $limit: 0 }` fails). */
function limitOf(spec: unknown): number {
  if (!isNumeric(spec)) throw new MongoCommandError('Location15957', 'the limit must be specified as a number');
  const limit = Number(spec);
  if (!Number.isInteger(limit)) throw new MongoCommandError('Location15957', 'the limit must be specified as a number');
  if (limit <= 0) throw new MongoCommandError('Location15958', 'the limit must be positive');
  return limit;
}

function viaMingo(docs: Doc[], stage: Doc, context: PipelineContext): Doc[] {
  const collectionResolver = (name: string): Doc[] => deepCopy([...(context.storage.collection(context.db, name)?.docs.values() ?? [])]);
  try {
    return bsonAggregator([stage], collectionResolver).run<Doc>(docs).map(idFirst);
  } catch (error) {
    if (error instanceof MongoCommandError) throw error;
    throw new MongoCommandError('Location', error instanceof Error ? error.message : String(error));
  }
}

function lookup(docs: Doc[], spec: Doc, context: PipelineContext): Doc[] {
  const { from, localField, foreignField, as } = spec;
  if (typeof from !== 'string' || typeof foreignField !== 'string' || typeof as !== 'string' || typeof localField !== 'string') {
    throw new MongoCommandError('FailedToParse', '$lookup requires from, localField, foreignField and as');
  }
  const foreign = [...(context.storage.collection(context.db, from)?.docs.values() ?? [])];
  const localParts = splitPath(localField);
  const foreignParts = splitPath(foreignField);
  return docs.map((doc) => {
    const locals = flatten(collectPathValues(doc, localParts));
    const joined = foreign.filter((other) => {
      const values = flatten(collectPathValues(other, foreignParts));
      return values.some((v) => locals.some((l) => valuesEqual(v ?? null, l ?? null)));
    });
    return { ...doc, [as]: deepCopy(joined) };
  });
}

function flatten(values: unknown[]): unknown[] {
  const out = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  return out.length === 0 ? [null] : out;
}

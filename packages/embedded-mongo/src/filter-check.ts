import { bsonTag } from './bson-tag.js';
import { type Doc, isPlainObject } from './paths.js';
import { clauses, isOperatorObject, matches } from './query.js';

/**
 * Validates a query filter before any document is read, as mongod parses a filter up front: `$where`, `$text`, geo
 * and bitwise operators, unknown operators and malformed arguments fail the same way on an empty or missing
 * collection as on a full one. Matching short-circuits (`{ a: 1, $where: … }` stops at `a`), so each operator is
 * evaluated on its own against an empty document, which throws every error the matcher would. A plain equality
 * (the `{ _id: 'cus_1' }` of every sync upsert) cannot fail and is skipped; a BSON regex is compiled to check it.
 *
 * ```ts
 * validateFilter({ $where: 'true' }); // throws "$where is not supported by the … embedded MongoDB server"
 * ```
 */
export function validateFilter(filter: Doc): void {
  for (const key in filter) {
    const condition = filter[key];
    if (key === '$and' || key === '$or' || key === '$nor') {
      for (const clause of clauses(key, condition)) validateFilter(clause);
    } else if (key.charCodeAt(0) === 36 /* $ */) {
      matches({}, { [key]: condition });
    } else {
      validateCondition(condition);
    }
  }
}

const probe = 'x';

function validateCondition(condition: unknown): void {
  if (!isOperatorObject(condition)) {
    if (bsonTag(condition) === 'BSONRegExp') matches({}, { [probe]: condition });
    return;
  }
  for (const op in condition) {
    const arg = condition[op];
    if (op === '$elemMatch') validateElemMatch(arg);
    else if (op === '$not' && isOperatorObject(arg)) validateCondition(arg);
    else if (op === '$regex') matches({}, { [probe]: { $regex: arg, ...('$options' in condition ? { $options: condition.$options } : {}) } });
    else if (op !== '$options' || !('$regex' in condition)) matches({}, { [probe]: { [op]: arg } });
  }
}

function validateElemMatch(arg: unknown): void {
  matches({}, { [probe]: { $elemMatch: arg } });
  if (!isPlainObject(arg)) return;
  const keys = Object.keys(arg);
  const valueOperators = keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k));
  if (valueOperators) validateCondition(arg);
  else validateFilter(arg);
}

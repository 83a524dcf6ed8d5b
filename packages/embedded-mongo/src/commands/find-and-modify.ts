import { MongoCommandError } from '../errors.js';
import { deleteDocuments, refuseUnsupportedOptions, updateDocuments } from '../operations.js';
import { type Doc, isPlainObject } from '../paths.js';
import { project } from '../projection.js';
import { type CommandHandler, collectionName } from './context.js';

/**
 * findAndModify (the driver's findOneAndUpdate / findOneAndReplace / findOneAndDelete). Unlike the write commands,
 * a failure here (E11000 included) fails the whole command, with `keyPattern`/`keyValue` at the top level.
 *
 * ```ts
 * // { lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, a: 2 }, ok: 1 }
 * await db.command({ findAndModify: 'c', query: { _id: 1 }, update: { $inc: { a: 1 } }, new: true });
 * ```
 */
const findAndModify: CommandHandler = (command, context) => {
  const name = collectionName(command, 'findAndModify');
  refuseUnsupportedOptions(command, context.storage.collection(context.db, name));
  const query = command.query ?? {};
  if (!isPlainObject(query)) throw new MongoCommandError('TypeMismatch', '"query" had the wrong type. Expected object');
  const sort = isPlainObject(command.sort) && Object.keys(command.sort).length > 0 ? command.sort : undefined;
  const fields = isPlainObject(command.fields) ? command.fields : undefined;
  if (command.remove) {
    if (command.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    const [removed] = deleteDocuments(context.storage.collection(context.db, name), query, 1, sort);
    context.clock.tick();
    return { lastErrorObject: { n: removed ? 1 : 0 }, value: removed ? project(removed, fields) : null, ok: 1 };
  }
  if (command.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const outcome = updateDocuments(context.storage, context.db, name, {
    q: query,
    u: command.update,
    upsert: Boolean(command.upsert),
    ...(Array.isArray(command.arrayFilters) ? { arrayFilters: command.arrayFilters as Doc[] } : {}),
    ...(sort ? { sort } : {}),
  });
  context.clock.tick();
  const lastErrorObject: Doc = { n: outcome.upsertedId !== undefined ? 1 : outcome.matched, updatedExisting: outcome.matched > 0 };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  const chosen = command.new ? outcome.after : outcome.before;
  return { lastErrorObject, value: chosen ? project(chosen, fields) : null, ok: 1 };
};

export const findAndModifyCommands = { findAndModify } satisfies Record<string, CommandHandler>;

import { runPipeline } from '../aggregate.js';
import { MongoCommandError, unsupported } from '../errors.js';
import { refuseUnsupportedOptions } from '../operations.js';
import { isPlainObject } from '../paths.js';
import type { CommandHandler } from './context.js';

/**
 * aggregate: `{ aggregate: 'coll' | 1, pipeline, cursor: { batchSize } }`; results come back through a cursor.
 *
 * ```ts
 * await db.command({ aggregate: 'orders', pipeline: [{ $count: 'n' }], cursor: {} });
 * ```
 */
const aggregate: CommandHandler = (command, context) => {
  if (command.explain) throw unsupported('explain');
  const target = command.aggregate;
  refuseUnsupportedOptions(command, typeof target === 'string' ? context.storage.collection(context.db, target) : undefined);
  if (typeof target !== 'string' && target !== 1) {
    throw new MongoCommandError('BadValue', 'aggregate needs a collection name or 1');
  }
  if (!isPlainObject(command.cursor)) {
    throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const source = typeof target === 'string' ? [...(context.storage.collection(context.db, target)?.docs.values() ?? [])] : [];
  const docs = runPipeline(source, command.pipeline, { storage: context.storage, db: context.db });
  const batchSize = command.cursor.batchSize;
  const ns = `${context.db}.${typeof target === 'string' ? target : '$cmd.aggregate'}`;
  return context.cursors.openCursor(ns, docs, typeof batchSize === 'number' ? { batchSize } : {});
};

export const aggregateCommands = { aggregate } satisfies Record<string, CommandHandler>;

import { MongoCommandError, toErrorReply, unsupported } from '../errors.js';
import type { Doc } from '../paths.js';
import type { TransactionManager } from '../transactions.js';
import { hasCommand } from '../server-version.js';
import { aggregateCommands } from './aggregate.js';
import { bulkWriteCommands } from './bulk-write.js';
import { collectionCommands } from './collections.js';
import type { CommandContext, CommandHandler } from './context.js';
import { findAndModifyCommands } from './find-and-modify.js';
import { clusterTime, handshakeCommands } from './handshake.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';

/**
 * The command table: command name -> handler. Adding a command is one entry here (in its family's file).
 * commitTransaction/abortTransaction are answered by the TransactionManager before their entry runs.
 */
export const commandTable: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...bulkWriteCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...collectionCommands,
  commitTransaction: () => ({ ok: 1 }),
  abortTransaction: () => ({ ok: 1 }),
  explain: () => {
    throw unsupported('explain');
  },
};

/** Commands that are heartbeats, not work: excluded from `stats().commands`. */
export const heartbeatCommands = new Set(['hello', 'isMaster', 'ismaster', 'ping']);

/** The name of a command document (its first key). */
export function commandName(command: Doc): string {
  for (const key in command) return key;
  return '';
}

/** Runs one command and returns its reply (`ok: 1`, or a MongoDB-shaped `ok: 0` failure). */
export function runCommand(command: Doc, context: CommandContext, transactions: TransactionManager): Doc {
  const name = commandName(command);
  let reply: Doc;
  try {
    const handler = commandTable[name];
    if (!handler || !hasCommand(context.identity.version, name)) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    if (!context.identity.replicaSet && command.txnNumber !== undefined) {
      throw new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    reply = transactions.run(command, name, () => handler(command, context));
  } catch (error) {
    reply = toErrorReply(error);
  }
  if (context.identity.replicaSet) {
    reply.operationTime = context.clock.now();
    reply.$clusterTime = clusterTime(context);
  }
  return reply;
}

import { type ObjectId, Timestamp } from 'bson';
import type { CursorStore } from '../cursors.js';
import { MongoCommandError } from '../errors.js';
import type { Doc } from '../paths.js';
import type { ServerVersion } from '../server-version.js';
import type { Storage } from '../storage.js';

/** What the server knows about itself, for hello/buildInfo and replica-set fields. */
export interface ServerIdentity {
  replicaSet: boolean;
  setName: string;
  /** `host:port` as advertised in `hosts`, `primary` and `me`. */
  hostAndPort: string;
  processId: ObjectId;
  electionId: ObjectId;
  /** The MongoDB release it acts as (wire version, buildInfo, which commands exist). */
  version: ServerVersion;
}

/** Everything a command handler may use. Handlers are synchronous: the whole server state is in memory. */
export interface CommandContext {
  db: string;
  storage: Storage;
  cursors: CursorStore;
  identity: ServerIdentity;
  connectionId: number;
  clock: ClusterClock;
}

/** A command implementation: the command document in, the reply document (`ok: 1`) out; failures throw. */
export type CommandHandler = (command: Doc, context: CommandContext) => Doc;

/** The cluster time the server reports in `operationTime` / `$clusterTime`; it advances on every write. */
export class ClusterClock {
  private seconds = Math.floor(Date.now() / 1000);
  private increment = 1;
  lastWriteDate = new Date();

  now(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  tick(): Timestamp {
    const seconds = Math.floor(Date.now() / 1000);
    if (seconds > this.seconds) {
      this.seconds = seconds;
      this.increment = 1;
    } else {
      this.increment++;
    }
    this.lastWriteDate = new Date();
    return this.now();
  }
}

/** The collection name a command addresses (`{ find: 'users' }` -> 'users'). */
export function collectionName(command: Doc, name: string): string {
  const value = command[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MongoCommandError('BadValue', `collection name has invalid type ${typeof value}`);
  }
  return value;
}

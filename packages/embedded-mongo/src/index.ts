import { WireServer } from './server.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion } from './server-version.js';

export type { ServerVersion } from './server-version.js';
export { DEFAULT_SERVER_VERSION, isServerVersion } from './server-version.js';

/**
 * An in-process MongoDB-compatible server for tests, demos and offline development (not production): the official
 * `mongodb` driver and mongoose connect to it unchanged. Data lives in memory and vanishes on `stop()`.
 *
 * ```ts
 * const mongo = await startEmbeddedMongo();
 * await mongoose.connect(mongo.uri, { dbName: 'app' });
 * // ...
 * await mongoose.disconnect();
 * await mongo.stop();
 * ```
 */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free ephemeral port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Act as a single-member replica set (sessions and transactions work); default true. False: a standalone. */
  replicaSet?: boolean;
  /**
   * The MongoDB release to act as; default '8.0' (maxWireVersion 25, with the cross-collection `bulkWrite` of
   * `MongoClient.bulkWrite`). '7.0' reports maxWireVersion 21 and answers `bulkWrite` with CommandNotFound, like
   * mongod 7: `startEmbeddedMongo({ serverVersion: '7.0' })`.
   */
  serverVersion?: ServerVersion;
  /**
   * How often the TTL monitor deletes expired documents of `expireAfterSeconds` indexes, in milliseconds; default
   * 60000, like mongod's `ttlMonitorSleepSecs`. Tests shorten it: `startEmbeddedMongo({ ttlMonitorPeriodMs: 50 })`.
   */
  ttlMonitorPeriodMs?: number;
}

export interface EmbeddedMongo {
  /** Connection string usable as-is with `mongoose.connect(uri, { dbName })` and `new MongoClient(uri)`. */
  uri: string;
  port: number;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
  /** Command counters; `commands` excludes heartbeats (hello/isMaster/ping), counted in `heartbeats`. */
  stats(): { commands: number; commandsByName: Record<string, number>; heartbeats: number };
}

/** Starts an embedded server and resolves once it accepts connections. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const server = new WireServer({
    replicaSet: options.replicaSet ?? true,
    serverVersion: options.serverVersion ?? DEFAULT_SERVER_VERSION,
    ...(options.ttlMonitorPeriodMs !== undefined ? { ttlMonitorPeriodMs: options.ttlMonitorPeriodMs } : {}),
  });
  const port = await server.listen(options.port ?? 0, host);
  const uriHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://${uriHost}:${port}/?directConnection=true`,
    port,
    stop: () => (stopped ??= server.close()),
    stats: () => ({ commands: server.stats.commands, commandsByName: { ...server.stats.commandsByName }, heartbeats: server.stats.heartbeats }),
  };
}

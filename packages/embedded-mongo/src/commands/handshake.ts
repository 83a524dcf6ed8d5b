import { Binary, Long } from 'bson';
import { MongoCommandError } from '../errors.js';
import type { Doc } from '../paths.js';
import { serverReleases } from '../server-version.js';
import type { CommandContext, CommandHandler } from './context.js';

/**
 * Handshake and server-information commands: hello / isMaster (with the replica-set fields of a single-member set
 * in replica-set mode), ping, buildInfo, a minimal serverStatus, and the other small commands drivers and shells
 * send while connecting. Authentication is refused with a clear error.
 *
 * The version figures come from the release the server acts as (server-version.ts).
 *
 * ```ts
 * await db.admin().command({ hello: 1 }); // { isWritablePrimary: true, setName: 'rs0', maxWireVersion: 25, ... }
 * ```
 */

/** The `$clusterTime` document attached to replies in replica-set mode. */
export function clusterTime(context: CommandContext): Doc {
  return { clusterTime: context.clock.now(), signature: { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.ZERO } };
}

/** The hello reply (also the legacy isMaster reply, which names the primary flag `ismaster`). */
export function helloReply(command: Doc, context: CommandContext, legacy: boolean): Doc {
  const { identity, clock } = context;
  const reply: Doc = {};
  if (legacy) reply.ismaster = true;
  else reply.isWritablePrimary = true;
  reply.topologyVersion = { processId: identity.processId, counter: Long.ZERO };
  if (identity.replicaSet) {
    const opTime = { ts: clock.now(), t: Long.ONE };
    Object.assign(reply, {
      hosts: [identity.hostAndPort],
      setName: identity.setName,
      setVersion: 1,
      secondary: false,
      primary: identity.hostAndPort,
      me: identity.hostAndPort,
      electionId: identity.electionId,
      lastWrite: { opTime, lastWriteDate: clock.lastWriteDate, majorityOpTime: opTime, majorityWriteDate: clock.lastWriteDate },
    });
  }
  if (command.helloOk) reply.helloOk = true;
  Object.assign(reply, {
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: serverReleases[identity.version].maxWireVersion,
    readOnly: false,
    ok: 1,
  });
  return reply;
}

const hello: CommandHandler = (command, context) => helloReply(command, context, false);
const isMaster: CommandHandler = (command, context) => helloReply(command, context, true);

const buildInfo: CommandHandler = (_command, context) => ({
  version: serverReleases[context.identity.version].version,
  gitVersion: 'stripe-mirror-embedded',
  versionArray: serverReleases[context.identity.version].versionArray,
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['embedded'],
  modules: [],
  ok: 1,
});

const serverStatus: CommandHandler = (_command, context) => ({
  host: context.identity.hostAndPort,
  version: serverReleases[context.identity.version].version,
  process: 'stripe-mirror-embedded-mongo',
  pid: Long.fromNumber(process.pid),
  uptime: Math.floor(process.uptime()),
  localTime: new Date(),
  connections: { current: 1, available: 1000 },
  ok: 1,
});

const refuseAuth: CommandHandler = () => {
  throw new MongoCommandError('CommandNotSupported', 'authentication is not supported by the stripe-mirror embedded MongoDB server (it accepts unauthenticated connections only)');
};

export const handshakeCommands = {
  hello,
  isMaster,
  ismaster: isMaster,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  hostInfo: () => ({ system: { hostname: 'localhost', numCores: 1 }, ok: 1 }),
  whatsmyuri: (_c: Doc, context: CommandContext) => ({ you: `127.0.0.1:${context.connectionId}`, ok: 1 }),
  getParameter: (_c: Doc, context: CommandContext) => ({
    featureCompatibilityVersion: { version: serverReleases[context.identity.version].featureCompatibilityVersion },
    ok: 1,
  }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  startSession: () => ({ ok: 1 }),
  saslStart: refuseAuth,
  saslContinue: refuseAuth,
  authenticate: refuseAuth,
  logout: refuseAuth,
} satisfies Record<string, CommandHandler>;

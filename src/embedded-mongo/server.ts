import net from 'node:net';
import { ObjectId } from 'bson';
import { ClusterClock, type CommandContext, type ServerIdentity } from './commands/context.js';
import { commandName, heartbeatCommands, runCommand } from './commands/index.js';
import { CursorStore } from './cursors.js';
import type { Doc } from './paths.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion } from './server-version.js';
import { Storage } from './storage.js';
import { TransactionManager } from './transactions.js';
import { toErrorReply } from './errors.js';
import { FrameReader, type WireMessage, encodeMsg, encodeReply, parseMessage } from './wire.js';

/** Counters exposed by `EmbeddedMongo.stats()`. */
export interface ServerStats {
  /** Commands other than heartbeats (hello/isMaster/ping). */
  commands: number;
  commandsByName: Record<string, number>;
  heartbeats: number;
}

/**
 * The TCP side of the embedded server: one connection loop per socket, framing messages, running commands against
 * the shared in-memory state and writing replies. A streaming-monitor hello (`topologyVersion` + `maxAwaitTimeMS`)
 * is answered after `maxAwaitTimeMS`, since the topology never changes.
 *
 * ```ts
 * const server = new WireServer({ replicaSet: true, serverVersion: '8.0' });
 * const port = await server.listen(0, '127.0.0.1');
 * ```
 */
export class WireServer {
  readonly storage = new Storage();
  readonly stats: ServerStats = { commands: 0, commandsByName: {}, heartbeats: 0 };
  private readonly cursors = new CursorStore();
  private readonly clock = new ClusterClock();
  private readonly transactions = new TransactionManager(this.storage);
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tcp: net.Server;
  private readonly replicaSet: boolean;
  private readonly serverVersion: ServerVersion;
  private identity: ServerIdentity | undefined;
  private nextConnectionId = 1;

  constructor(options: { replicaSet: boolean; serverVersion?: ServerVersion }) {
    this.replicaSet = options.replicaSet;
    this.serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
    this.tcp = net.createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        const address = this.tcp.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        const advertised = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
        this.identity = {
          replicaSet: this.replicaSet,
          setName: 'rs0',
          hostAndPort: `${advertised}:${bound}`,
          processId: new ObjectId(),
          electionId: new ObjectId('7fffffff0000000000000001'),
          version: this.serverVersion,
        };
        resolve(bound);
      });
    });
  }

  /** Stops accepting, destroys every open socket and pending heartbeat, and resolves once closed. */
  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.cursors.clear();
    return new Promise((resolve) => this.tcp.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connectionId = this.nextConnectionId++;
    const reader = new FrameReader((frame) => this.handle(socket, connectionId, parseMessage(frame)));
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private context(db: string, connectionId: number): CommandContext {
    if (!this.identity) throw new Error('server not listening');
    return { db, storage: this.storage, cursors: this.cursors, identity: this.identity, connectionId, clock: this.clock };
  }

  private handle(socket: net.Socket, connectionId: number, message: WireMessage): void {
    if (message.kind === 'unsupported') {
      socket.destroy();
      return;
    }
    if (message.kind === 'query') {
      const db = message.collection.split('.')[0] ?? 'admin';
      const reply = this.execute(message.command, db, connectionId);
      socket.write(encodeSafely(encodeReply, message.requestId, reply));
      return;
    }
    const command = message.command;
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    const reply = this.execute(command, db, connectionId);
    if (message.moreToCome) return;
    const wait = awaitTime(command);
    if (wait === undefined) {
      socket.write(encodeSafely(encodeMsg, message.requestId, reply));
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!socket.destroyed) socket.write(encodeMsg(message.requestId, { ...reply, localTime: new Date() }));
    }, wait);
    this.timers.add(timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private execute(command: Doc, db: string, connectionId: number): Doc {
    const name = commandName(command);
    if (heartbeatCommands.has(name)) this.stats.heartbeats++;
    else {
      this.stats.commands++;
      this.stats.commandsByName[name] = (this.stats.commandsByName[name] ?? 0) + 1;
    }
    return runCommand(command, this.context(db, connectionId), this.transactions);
  }
}

/** How long to hold a streaming-monitor hello: its `maxAwaitTimeMS` when it carries a `topologyVersion`. */
function awaitTime(command: Doc): number | undefined {
  const name = commandName(command);
  if (name !== 'hello' && name !== 'isMaster' && name !== 'ismaster') return undefined;
  if (command.topologyVersion === undefined || command.maxAwaitTimeMS === undefined) return undefined;
  return Math.max(0, Number(command.maxAwaitTimeMS));
}

/** Encodes a reply; one that cannot be encoded (over 16 MiB, say) becomes an error reply instead of a dropped socket. */
function encodeSafely(encode: (responseTo: number, reply: Doc) => Buffer, responseTo: number, reply: Doc): Buffer {
  try {
    return encode(responseTo, reply);
  } catch (error) {
    return encode(responseTo, toErrorReply(error));
  }
}

import net from 'node:net';
import { ObjectId } from 'bson';
import { ClusterClock, type CommandContext, type ServerIdentity } from './commands/context.js';
import { commandName, heartbeatCommands, runCommand } from './commands/index.js';
import { CursorStore } from './cursors.js';
import { type Doc, isPlainObject } from './paths.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion } from './server-version.js';
import { Storage } from './storage.js';
import { TtlMonitor } from './ttl.js';
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
 * the shared in-memory state and writing replies. An awaitable hello (the driver's streaming monitor) is held and,
 * with `exhaustAllowed`, answered as a stream, as mongod does (see `awaitHello`).
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
  /** Pending awaitable-hello answers per socket, cancelled when it closes. */
  private readonly helloTimers = new Map<net.Socket, Set<NodeJS.Timeout>>();
  private readonly tcp: net.Server;
  private readonly replicaSet: boolean;
  private readonly serverVersion: ServerVersion;
  private identity: ServerIdentity | undefined;
  private nextConnectionId = 1;
  private readonly ttl: TtlMonitor;

  constructor(options: { replicaSet: boolean; serverVersion?: ServerVersion; ttlMonitorPeriodMs?: number }) {
    this.ttl = new TtlMonitor(this.storage, options.ttlMonitorPeriodMs ?? 60_000);
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
        this.ttl.start();
        resolve(bound);
      });
    });
  }

  /** Stops accepting, destroys every open socket and pending heartbeat, and resolves once closed. */
  close(): Promise<void> {
    this.ttl.stop();
    for (const timers of this.helloTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.helloTimers.clear();
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
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const timer of this.helloTimers.get(socket) ?? []) clearTimeout(timer);
      this.helloTimers.delete(socket);
    });
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
    if (!message.moreToCome && isAwaitableHello(command)) {
      this.awaitHello(socket, connectionId, { requestId: message.requestId, command, db, exhaust: message.exhaustAllowed });
      return;
    }
    const reply = this.execute(command, db, connectionId);
    if (message.moreToCome) return;
    socket.write(encodeSafely(encodeMsg, message.requestId, reply));
  }

  /**
   * mongod's awaitable hello. A hello carrying this server's current `topologyVersion` waits up to `maxAwaitTimeMS`
   * for a topology change (none ever happens here) and is answered then; one carrying another topologyVersion (a
   * restarted server's) is answered at once. With `exhaustAllowed` the answer sets `moreToCome` and the server goes
   * on answering, one hello per `maxAwaitTimeMS`, each responding to the previous reply, until the socket closes:
   * the driver's streaming monitor reads every reply as a heartbeat and never sends another request. Answering
   * once without `moreToCome` instead makes the driver fail the heartbeat ("Server ended moreToCome
   * unexpectedly"), mark the server unknown and clear its pool, every other heartbeat. A streamed reply is always
   * sent from a timer, so a stream with `maxAwaitTimeMS: 0` yields to other sockets instead of recursing.
   */
  private awaitHello(socket: net.Socket, connectionId: number, request: PendingHello, streamed = false): void {
    const answer = (): void => {
      if (socket.destroyed) return;
      const reply = this.execute(request.command, request.db, connectionId);
      const streaming = request.exhaust && reply.ok === 1;
      const frame = encodeMsg(request.requestId, reply, streaming);
      socket.write(frame);
      if (!streaming) return;
      const command = { ...request.command, topologyVersion: reply.topologyVersion };
      this.awaitHello(socket, connectionId, { ...request, requestId: frame.readInt32LE(4), command }, true);
    };
    const wait = this.helloWait(request.command);
    if (wait === 0 && !streamed) {
      answer();
      return;
    }
    let timers = this.helloTimers.get(socket);
    if (!timers) {
      timers = new Set();
      this.helloTimers.set(socket, timers);
    }
    const pending = timers;
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer();
    }, wait);
    pending.add(timer);
  }

  /** How long to hold an awaitable hello: `maxAwaitTimeMS` when its topologyVersion is this server's, else 0. */
  private helloWait(command: Doc): number {
    const version = command.topologyVersion;
    if (!isPlainObject(version) || !this.identity) return 0;
    const sameProcess = String(version.processId) === this.identity.processId.toHexString();
    if (!sameProcess || Number(version.counter) !== 0) return 0;
    return Math.max(0, Number(command.maxAwaitTimeMS) || 0);
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

/** An awaitable hello in flight: the request (or previous streamed reply) it answers, and whether to stream. */
interface PendingHello {
  requestId: number;
  command: Doc;
  db: string;
  exhaust: boolean;
}

/** A hello of the streaming monitor: it carries `topologyVersion` and `maxAwaitTimeMS`. */
function isAwaitableHello(command: Doc): boolean {
  const name = commandName(command);
  if (name !== 'hello' && name !== 'isMaster' && name !== 'ismaster') return false;
  return command.topologyVersion !== undefined && command.maxAwaitTimeMS !== undefined;
}

/** Encodes a reply; one that cannot be encoded (over 16 MiB, say) becomes an error reply instead of a dropped socket. */
function encodeSafely(encode: (responseTo: number, reply: Doc) => Buffer, responseTo: number, reply: Doc): Buffer {
  try {
    return encode(responseTo, reply);
  } catch (error) {
    return encode(responseTo, toErrorReply(error));
  }
}

import net from 'node:net';

/** A running {@link startTcpProxy}. */
export interface TcpProxy {
  readonly port: number;
  /** Resets every open connection and stops listening. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the database that can "crash" and come back on the same port. The embedded database keeps
 * its data in memory, so killing its process would also wipe the mirror; cutting every connection and refusing new
 * ones for a while is what a server sees when a real `mongod` is killed and restarted with its data on disk.
 *
 * ```ts
 * const proxy = await startTcpProxy({ targetPort: 27017 });   // point the server at proxy.port
 * await proxy.down();   // every connection reset, new ones refused
 * await proxy.up();     // accepting again, same port
 * ```
 */
export async function startTcpProxy(options: { targetPort: number; targetHost?: string; port?: number }): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = options.port ?? 0;

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const up = async (): Promise<void> => {
    const listening = net.createServer((client) => {
      const upstream = net.connect({ port: options.targetPort, host: targetHost });
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => resolve());
    });
    const address = listening.address();
    if (address !== null && typeof address === 'object') port = address.port;
    server = listening;
  };

  const down = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await up();
  return {
    get port() {
      return port;
    },
    down,
    up,
    close: down,
  };
}

import net from 'node:net';
import { BSON } from 'mongodb';

/** A running {@link startCuttingProxy}. */
export interface CuttingProxy {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a MongoDB server that forwards whole wire messages and resets the client's connection
 * instead of forwarding the first command named `cut`: the command never reaches the server, and the client only
 * sees its connection drop, as in an outage. Reads the wire format itself (an int32 length heads every message, an
 * OP_MSG body follows its 21-byte header), so it needs nothing from the server under test.
 *
 * ```ts
 * const proxy = await startCuttingProxy(27017, 'update');   // connect to 127.0.0.1:proxy.port
 * ```
 */
export async function startCuttingProxy(targetPort: number, cut: string): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => sockets.delete(socket));
    }
    client.on('data', splitMessages((message) => {
      if (commandName(message) !== cut) return void upstream.write(message);
      client.resetAndDestroy();
      upstream.destroy();
    }));
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `onMessage` with each whole wire message of a byte stream, however TCP chunks it. */
function splitMessages(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0);
      onMessage(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  };
}

const OP_MSG = 2013;

/** The command an OP_MSG carries (the first key of its body section), or undefined for any other message. */
function commandName(message: Buffer): string | undefined {
  if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return undefined;
  const body = message.subarray(21, 21 + message.readInt32LE(21));
  return Object.keys(BSON.deserialize(body))[0];
}

import net from 'node:net';
import type { DeserializeOptions } from 'bson';
import { BSON, type Document } from 'mongodb';

/** A raw socket speaking the wire protocol, to check framing the driver does not expose. */
export class RawConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private nextRequestId = 1000;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const frame = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  next(timeoutMs = 2000): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.waiting.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  send(requestId: number, opCode: number, payload: Buffer): void {
    const head = Buffer.alloc(16);
    head.writeInt32LE(16 + payload.length, 0);
    head.writeInt32LE(requestId, 4);
    head.writeInt32LE(opCode, 12);
    this.socket.write(Buffer.concat([head, payload]));
  }

  /** Sends an OP_MSG; a sequence document given as bytes is sent as is (to craft malformed BSON). */
  sendMsg(requestId: number, body: Document, flags = 0, sequence?: { id: string; docs: (Document | Uint8Array)[] }): void {
    const flagBits = Buffer.alloc(4);
    flagBits.writeUInt32LE(flags, 0);
    const parts: Uint8Array[] = [flagBits, Buffer.from([0]), BSON.serialize(body)];
    if (sequence) {
      const docs = Buffer.concat(sequence.docs.map((d) => (d instanceof Uint8Array ? d : BSON.serialize(d))));
      const name = Buffer.from(`${sequence.id}\0`);
      const size = Buffer.alloc(4);
      size.writeInt32LE(4 + name.length + docs.length, 0);
      parts.push(Buffer.from([1]), size, name, docs);
    }
    this.send(requestId, 2013, Buffer.concat(parts));
  }

  /** Sends a command (`sequence` as a kind-1 section) and resolves with its reply body, decoded with `options`. */
  async command(body: Document, sequence?: { id: string; docs: (Document | Uint8Array)[] }, options: DeserializeOptions = {}): Promise<Document> {
    const requestId = this.nextRequestId++;
    this.sendMsg(requestId, body, 0, sequence);
    const frame = await this.next();
    if (!frame) throw new Error(`no reply to request ${requestId}`);
    return BSON.deserialize(frame.subarray(21), options);
  }

  close(): void {
    this.socket.destroy();
  }
}

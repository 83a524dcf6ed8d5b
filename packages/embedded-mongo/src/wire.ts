import { BSON, type Document } from 'bson';
import { RawDocument, decodeOptions } from './raw-document.js';

/**
 * MongoDB wire protocol framing: the 16-byte header, OP_MSG (body and document-sequence sections, `moreToCome`,
 * optional checksum), legacy OP_QUERY (only for the handshake) and OP_REPLY. No compression is advertised, so
 * OP_COMPRESSED never arrives. The `documents` sequence of an `insert` is not decoded here: each document stays a
 * `RawDocument` (its bytes), decoded when first read from storage; every other section is decoded.
 *
 * ```ts
 * const message = parseMessage(frame); // { kind: 'msg', requestId, command, moreToCome, exhaustAllowed }
 * socket.write(encodeMsg(message.requestId, { ok: 1 }));
 * ```
 */
export const OpCode = { Reply: 1, Query: 2004, Msg: 2013, Compressed: 2012 } as const;

const FLAG_CHECKSUM = 1;
const MAX_MESSAGE_BYTES = 48_000_000;
const FLAG_MORE_TO_COME = 2;
const FLAG_EXHAUST_ALLOWED = 1 << 16;

const encodeOptions = { checkKeys: false, ignoreUndefined: true } as const;

export type WireMessage =
  | { kind: 'msg'; requestId: number; command: Document; moreToCome: boolean; exhaustAllowed: boolean }
  | { kind: 'query'; requestId: number; collection: string; command: Document }
  | { kind: 'unsupported'; requestId: number; opCode: number };

/**
 * Splits a socket's byte stream into frames. Chunks are kept in a list and joined only once a whole frame has
 * arrived, so a large message (a 1,000-statement bulk write) is copied once, not once per chunk.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly onFrame: (frame: Buffer) => void;

  constructor(onFrame: (frame: Buffer) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = (this.chunks[0] as Buffer).length >= 4 ? (this.chunks[0] as Buffer) : this.join();
      const length = head.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) throw new RangeError(`invalid message length ${length}`);
      if (this.buffered < length) return;
      const all = this.chunks.length === 1 ? head : this.join();
      this.onFrame(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  private join(): Buffer {
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }
}

/** Parses one complete frame. */
export function parseMessage(frame: Buffer): WireMessage {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OpCode.Msg) return parseMsg(frame, requestId);
  if (opCode === OpCode.Query) return parseQuery(frame, requestId);
  return { kind: 'unsupported', requestId, opCode };
}

function parseMsg(frame: Buffer, requestId: number): WireMessage {
  const flags = frame.readUInt32LE(16);
  const end = frame.length - (flags & FLAG_CHECKSUM ? 4 : 0);
  let position = 20;
  let command: Document = {};
  const sequences: [string, Buffer[]][] = [];
  while (position < end) {
    const kind = frame[position];
    position += 1;
    const size = frame.readInt32LE(position);
    if (kind === 0) {
      command = BSON.deserialize(frame.subarray(position, position + size), decodeOptions);
      position += size;
      continue;
    }
    const sectionEnd = position + size;
    const nameEnd = frame.indexOf(0, position + 4);
    sequences.push([frame.toString('utf8', position + 4, nameEnd), splitDocuments(frame, nameEnd + 1, sectionEnd)]);
    position = sectionEnd;
  }
  const insert = firstKey(command) === 'insert';
  for (const [identifier, documents] of sequences) {
    command[identifier] = insert && identifier === 'documents' ? documents.map((bytes) => new RawDocument(bytes)) : documents.map(decode);
  }
  return {
    kind: 'msg',
    requestId,
    command,
    moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
    exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
  };
}

/** The documents of a document-sequence section, as subarrays of the frame (no copy). */
function splitDocuments(frame: Buffer, start: number, end: number): Buffer[] {
  const documents: Buffer[] = [];
  let cursor = start;
  while (cursor < end) {
    const size = frame.readInt32LE(cursor);
    if (size < 5 || cursor + size > end) throw new RangeError(`invalid document length ${size} in a document sequence`);
    documents.push(frame.subarray(cursor, cursor + size));
    cursor += size;
  }
  return documents;
}

function decode(bytes: Buffer): Document {
  return BSON.deserialize(bytes, decodeOptions);
}

function firstKey(command: Document): string | undefined {
  for (const key in command) return key;
  return undefined;
}

function parseQuery(frame: Buffer, requestId: number): WireMessage {
  const nameEnd = frame.indexOf(0, 20);
  const collection = frame.toString('utf8', 20, nameEnd);
  const docStart = nameEnd + 1 + 8;
  const size = frame.readInt32LE(docStart);
  let command = BSON.deserialize(frame.subarray(docStart, docStart + size), decodeOptions);
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return { kind: 'query', requestId, collection, command };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.allocUnsafe(16);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

/**
 * An OP_MSG reply with one body section; `moreToCome` tells the client that further replies follow without a request
 * (the exhaust stream of an awaitable hello). The frame's own request id (bytes 4-7) is what the next reply of such a
 * stream responds to.
 */
export function encodeMsg(responseTo: number, reply: Document, moreToCome = false): Buffer {
  const body = BSON.serialize(reply, encodeOptions);
  const prefix = Buffer.allocUnsafe(5);
  prefix.writeUInt32LE(moreToCome ? FLAG_MORE_TO_COME : 0, 0);
  prefix[4] = 0;
  return Buffer.concat([header(16 + 5 + body.length, responseTo, OpCode.Msg), prefix, body]);
}

/** An OP_REPLY carrying one document (the answer to a legacy OP_QUERY handshake). */
export function encodeReply(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply, encodeOptions);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0);
  fields.writeBigInt64LE(0n, 4);
  fields.writeInt32LE(0, 12);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + 20 + body.length, responseTo, OpCode.Reply), fields, body]);
}

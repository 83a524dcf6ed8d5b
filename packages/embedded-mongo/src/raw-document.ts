import { BSON, type OnDemand } from 'bson';
import { MongoCommandError } from './errors.js';
import type { Doc } from './paths.js';
import { withIdFirst } from './upsert-seed.js';

/** Options that keep BSON types intact: int64 stays `Long`, Decimal128 stays `Decimal128`. */
export const decodeOptions = { promoteLongs: false, promoteBuffers: false, promoteValues: true, validation: { utf8: false } } as const;

type Element = OnDemand['BSONElement'];

const Type = { string: 2, object: 3, array: 4, binary: 5, undefined: 6, boolean: 8, regex: 11, dbPointer: 12, code: 13, symbol: 14, codeWithScope: 15 } as const;
const BINARY_OLD = 2;

/**
 * An inserted document kept as the BSON bytes it arrived in, decoded only when first read (as mongod stores BSON
 * without building objects): a bulk insert then costs a scan of each document instead of a full decode. `bytes` is a
 * subarray of the incoming frame, not a copy, so it keeps that whole frame alive until every document of it has
 * been decoded or deleted; raw BSON is smaller than the decoded objects, so that costs less than decoding.
 */
export class RawDocument {
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  /** The document as a stored insert holds it: decoded with the server's options, `_id` first. */
  decode(): Doc {
    return withIdFirst(BSON.deserialize(this.bytes, decodeOptions));
  }
}

/**
 * Decodes a raw insert statement eagerly; malformed BSON becomes that statement's write error (`InvalidBSON`)
 * instead of failing the whole command.
 */
export function decodeStatement(raw: RawDocument): Doc {
  try {
    return BSON.deserialize(raw.bytes, decodeOptions);
  } catch (error) {
    throw new MongoCommandError('InvalidBSON', `invalid BSON document: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The `_id` of a raw document that can be stored undecoded: present, neither an array nor `undefined`, and every
 * value well formed, so its later decode cannot fail. Undefined otherwise: the caller decodes it eagerly, which
 * generates a missing `_id`, refuses an array and reports malformed BSON exactly as for any decoded document.
 */
export function storableId(raw: RawDocument): { id: unknown } | undefined {
  const bytes = raw.bytes;
  let id: Element | undefined;
  try {
    for (const element of BSON.onDemand.parseToElements(bytes, 0)) {
      if (!wellFormed(bytes, element)) return undefined;
      if (isIdName(bytes, element)) id = element;
    }
  } catch {
    return undefined;
  }
  if (!id || id[0] === Type.array || id[0] === Type.undefined) return undefined;
  return { id: decodeElement(bytes, id) };
}

/**
 * Whether BSON.deserialize will accept this element: strings terminated, booleans 0 or 1, embedded documents and
 * arrays well formed throughout. Types whose decode can fail in ways not checked here (a regex JavaScript rejects,
 * an old-style binary, code with scope, DBPointer) answer false, leaving the verdict to an eager decode.
 */
function wellFormed(bytes: Buffer, [type, , , offset, length]: Element): boolean {
  switch (type) {
    case Type.object:
    case Type.array:
      for (const element of BSON.onDemand.parseToElements(bytes, offset)) if (!wellFormed(bytes, element)) return false;
      return true;
    case Type.string:
    case Type.code:
    case Type.symbol:
      return length > 4 && bytes[offset + length - 1] === 0;
    case Type.boolean:
      return (bytes[offset] as number) <= 1;
    case Type.binary:
      return bytes[offset + 4] !== BINARY_OLD;
    case Type.regex:
    case Type.dbPointer:
    case Type.codeWithScope:
      return false;
    default:
      return true;
  }
}

function isIdName(bytes: Buffer, [, nameOffset, nameLength]: Element): boolean {
  return nameLength === 3 && bytes[nameOffset] === 0x5f && bytes[nameOffset + 1] === 0x69 && bytes[nameOffset + 2] === 0x64;
}

/** Decodes one element alone, by copying it into a one-element document. */
function decodeElement(bytes: Buffer, [type, nameOffset, , offset, length]: Element): unknown {
  const size = 4 + 1 + (offset - nameOffset) + length + 1;
  const single = Buffer.allocUnsafe(size);
  single.writeInt32LE(size, 0);
  single[4] = type;
  bytes.copy(single, 5, nameOffset, offset + length);
  single[size - 1] = 0;
  return BSON.deserialize(single, decodeOptions)._id;
}

/**
 * Base class of the errors the embedded server raises, with a stable `code`. None reaches a client as an exception:
 * the server answers each as a MongoDB error reply, which the driver raises as its own `MongoServerError`.
 *
 * ```ts
 * catch (error) { if (error instanceof EmbeddedMongoError) log(error.code, error.message); }
 * ```
 */
export class EmbeddedMongoError extends Error {
  readonly code: 'embedded_mongo_command_failed';

  constructor(code: 'embedded_mongo_command_failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** MongoDB's numeric error codes used by the embedded server, with their `codeName`s. */
export const MongoErrorCodes = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidBSON: 22,
  InvalidOptions: 72,
  Unauthorized: 13,
  IllegalOperation: 20,
  InvalidNamespace: 73,
  InvalidLength: 342,
  IDLFailedToParse: 40414,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  EmptyFieldName: 56,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  NoSuchTransaction: 251,
  TransactionTooOld: 225,
  DuplicateKey: 11000,
  Location: 40324,
  Location15957: 15957,
  Location40192: 40192,
  Location40194: 40194,
  Location40201: 40201,
  Location16020: 16020,
  Location51246: 51246,
  Location15958: 15958,
  WriteConflict: 112,
  BSONObjectTooLarge: 10334,
} as const;

export type MongoErrorName = keyof typeof MongoErrorCodes;

/**
 * A command failure the server reports to the client as `{ ok: 0, errmsg, code, codeName, ...extra }`, shaped the
 * way MongoDB shapes it so drivers raise their usual errors.
 *
 * ```ts
 * throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
 * ```
 */
export class MongoCommandError extends EmbeddedMongoError {
  readonly mongoCode: number;
  readonly codeName: string;
  readonly extra: Record<string, unknown>;

  constructor(codeName: MongoErrorName, message: string, extra: Record<string, unknown> = {}) {
    super('embedded_mongo_command_failed', message);
    this.codeName = codeName === 'Location' ? 'Location40324' : codeName;
    this.mongoCode = MongoErrorCodes[codeName];
    this.extra = extra;
  }

  /** The error as a write error entry (`writeErrors[i]`) for the write at position `index`. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.mongoCode, errmsg: this.message, ...this.extra };
  }

  /** The error as a failed command reply. */
  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.mongoCode, codeName: this.codeName, ...this.extra };
  }
}

/** A clear refusal for a MongoDB feature the embedded server does not implement. */
export function unsupported(feature: string): MongoCommandError {
  return new MongoCommandError(
    'CommandNotSupported',
    `${feature} is not supported by the stripe-mirror embedded MongoDB server; use a real MongoDB (MONGODB_URI) for it`,
  );
}

/** Converts anything thrown while running a command into a MongoDB-shaped failure reply. */
export function toErrorReply(error: unknown): Record<string, unknown> {
  if (error instanceof MongoCommandError) return error.toReply();
  const message = error instanceof Error ? error.message : String(error);
  return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
}

/**
 * The MongoDB release the embedded server acts as: what hello, buildInfo and getParameter report, and which
 * commands exist. 8.0 (the default) has the cross-collection `bulkWrite` that `MongoClient.bulkWrite` sends; 7.0
 * answers it with CommandNotFound, as mongod 7 does, so an application can check how it copes with an older server.
 *
 * ```ts
 * const mongo = await startEmbeddedMongo({ serverVersion: '7.0' }); // hello.maxWireVersion === 21
 * ```
 */
export type ServerVersion = '7.0' | '8.0';

export const DEFAULT_SERVER_VERSION: ServerVersion = '8.0';

export interface ServerRelease {
  /** buildInfo/serverStatus `version`. */
  version: string;
  versionArray: [number, number, number, number];
  /** hello `maxWireVersion`: 21 is MongoDB 7.0, 25 is 8.0. */
  maxWireVersion: number;
  featureCompatibilityVersion: ServerVersion;
}

export const serverReleases = {
  '7.0': { version: '7.0.0', versionArray: [7, 0, 0, 0], maxWireVersion: 21, featureCompatibilityVersion: '7.0' },
  '8.0': { version: '8.0.0', versionArray: [8, 0, 0, 0], maxWireVersion: 25, featureCompatibilityVersion: '8.0' },
} as const satisfies Record<ServerVersion, ServerRelease>;

/** Commands a release added: an older release answers them with CommandNotFound. */
const introducedIn = new Map<string, ServerVersion>([['bulkWrite', '8.0']]);

/** Whether `version` has the command `name` (commands not listed exist in every release served). */
export function hasCommand(version: ServerVersion, name: string): boolean {
  const since = introducedIn.get(name);
  return since === undefined || Number(version) >= Number(since);
}

/** Whether `value` (a flag's text, say) names a release the server can act as. */
export function isServerVersion(value: string): value is ServerVersion {
  return Object.hasOwn(serverReleases, value);
}

/** Parses a version given by a user (an option or a flag); throws naming the accepted values. */
export function parseServerVersion(value: string): ServerVersion {
  if (isServerVersion(value)) return value;
  throw new RangeError(`server version must be 7.0 or 8.0, got '${value}'`);
}

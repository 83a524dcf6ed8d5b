import { existsSync } from 'node:fs';
import { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';

export interface TestDatabase {
  uri: string;
  kind: 'MONGODB_URI' | 'mongodb-memory-server' | 'embedded';
  stop(): Promise<void>;
}

/**
 * Picks the database the tests run against, in the documented order: `MONGODB_URI` if set, mongodb-memory-server
 * when a `mongod` binary is already on this machine (never downloads), else the embedded server.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const fromEnv = process.env.MONGODB_URI;
  if (fromEnv) return { uri: fromEnv, kind: 'MONGODB_URI', stop: async () => {} };

  const binary = await findMongodBinary();
  if (binary) {
    const { MongoMemoryReplSet } = await import('mongodb-memory-server');
    const replSet = await MongoMemoryReplSet.create({
      replSet: { count: 1 },
      binary: { systemBinary: binary },
    });
    return { uri: replSet.getUri(), kind: 'mongodb-memory-server', stop: async () => void (await replSet.stop()) };
  }

  const embedded = await startEmbeddedMongo();
  return { uri: embedded.uri, kind: 'embedded', stop: () => embedded.stop() };
}

/** A `mongod` that needs no download: `MONGOMS_SYSTEM_BINARY`, or one mongodb-memory-server fetched earlier. */
async function findMongodBinary(): Promise<string | undefined> {
  const system = process.env.MONGOMS_SYSTEM_BINARY;
  if (system && existsSync(system)) return system;
  try {
    const { MongoBinary } = await import('mongodb-memory-server-core');
    const cached = await MongoBinary.getPath({});
    return cached && existsSync(cached) ? cached : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `uri` with its database name replaced, so a test's documents stay apart from the suite's. Works for multi-host
 * URIs (`mongodb://a:1,b:2/db?replicaSet=rs`), which the WHATWG URL parser refuses.
 */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*(\?.*)?$/.exec(uri);
  if (!match?.[1]) throw new Error('the test database URI is not a mongodb:// URI');
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}

import mongoose from 'mongoose';
import { startTestDatabase, type TestDatabase } from './database.js';

/**
 * Mocha global setup and root hooks, in the style of mongoose's own suite: one database for the whole run, every
 * collection emptied after each test (indexes kept), so no test sees another's documents.
 */
let database: TestDatabase | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  database = await startTestDatabase();
  process.env.STRIPE_MIRROR_TEST_MONGODB_URI = database.uri;
  console.log(`  database: ${database.kind} (${redactUri(database.uri)})`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await database?.stop();
}

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    if (mongoose.connection.readyState === 0) {
      await mongoose.connect(testMongoUri(), { dbName: 'stripe_mirror_test' });
    }
  },
  async afterEach(): Promise<void> {
    const db = mongoose.connection.db;
    if (!db || mongoose.connection.readyState !== 1) return;
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})));
  },
  async afterAll(): Promise<void> {
    await mongoose.disconnect();
  },
};

/** The URI of the database chosen by the global setup. */
export function testMongoUri(): string {
  const uri = process.env.STRIPE_MIRROR_TEST_MONGODB_URI;
  if (!uri) throw new Error('test database not started: run the tests through mocha (.mocharc.json)');
  return uri;
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

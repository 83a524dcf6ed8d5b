import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/index.js';

/**
 * Mocha global setup of this package's own run (`npm test` here): the conformance tests run against `MONGODB_URI`
 * when it is set (a real mongod, to check that each test states MongoDB's behaviour), else against an embedded
 * server. From the repository root, stripe-mirror's setup has already picked the database and set the same variable,
 * so these tests run there unchanged.
 *
 * ```sh
 * MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0 npm test   # the same tests against MongoDB 7/8
 * ```
 */
let server: EmbeddedMongo | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  const fromEnv = process.env.MONGODB_URI;
  if (!fromEnv) server = await startEmbeddedMongo();
  process.env.STRIPE_MIRROR_TEST_MONGODB_URI = fromEnv ?? server?.uri;
  console.log(`  database: ${server ? 'embedded' : 'MONGODB_URI'}`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop();
}

/** The URI of the database this run's global setup chose. */
export function testMongoUri(): string {
  const uri = process.env.STRIPE_MIRROR_TEST_MONGODB_URI;
  if (!uri) throw new Error('test database not started: run the tests through mocha (.mocharc.json)');
  return uri;
}

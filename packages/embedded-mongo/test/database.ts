import { type Db, MongoClient } from 'mongodb';
import { testMongoUri } from './support/setup.js';

/**
 * A dedicated database for one conformance test file on the run's test server (embedded, mongodb-memory-server or
 * MONGODB_URI): a client connected before the file's tests, dropped and closed after them. `client.events` records
 * command names when `monitorCommands` is wanted.
 */
export interface TestDb {
  readonly client: MongoClient;
  readonly db: Db;
  readonly commands: string[];
}

export function useTestDatabase(name: string): TestDb {
  let client: MongoClient | undefined;
  const commands: string[] = [];
  const handle: TestDb = {
    get client(): MongoClient {
      if (!client) throw new Error('useTestDatabase: the before hook has not run');
      return client;
    },
    get db(): Db {
      return handle.client.db(name);
    },
    commands,
  };
  before(async () => {
    client = await new MongoClient(testMongoUri(), { monitorCommands: true }).connect();
    client.on('commandStarted', (event) => commands.push(event.commandName));
    await client.db(name).dropDatabase();
  });
  afterEach(async () => {
    const collections = await handle.db.listCollections({}, { nameOnly: true }).toArray();
    await Promise.all(collections.map((c) => handle.db.collection(c.name).drop()));
    commands.length = 0;
  });
  after(async () => {
    await client?.db(name).dropDatabase();
    await client?.close();
  });
  return handle;
}

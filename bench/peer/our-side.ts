import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import type { StoredDocument } from '../harness/oracle.js';
import { ManagedProcess } from '../harness/processes.js';
import { PROJECT_ROOT, startServeProcess, withDatabase, type ServerProcess } from '../harness/stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATABASE = 'bench_peer';

/** Our side of the comparison: the embedded database and `stripe-mirror serve`, each in its own process. */
export interface OurSide {
  webhookUrl: string;
  serverPid: number;
  databasePid: number;
  /** Commands the database has executed so far (heartbeats excluded), as its own counters say. */
  commands(): Promise<number>;
  /** The stored `stripe_objects` documents with these ids. */
  documents(ids: readonly string[]): Promise<StoredDocument[]>;
  stop(): Promise<void>;
}

/**
 * Starts the embedded database (`mongo-stats-main.ts`, which reports its command counters on request) and the built
 * `stripe-mirror serve` on it, with default options apart from the signing secret.
 *
 * ```ts
 * const ours = await startOurSide('whsec_bench');
 * const before = await ours.commands();
 * // deliver to ours.webhookUrl
 * const perDelivery = ((await ours.commands()) - before) / deliveries;
 * ```
 */
export async function startOurSide(secret: string): Promise<OurSide> {
  const database = ManagedProcess.start({
    name: 'embedded mongo (stats)',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(here, 'mongo-stats-main.ts')],
    cwd: PROJECT_ROOT,
  });
  let server: ServerProcess | undefined;
  let client: MongoClient | undefined;
  try {
    const [uri] = await database.waitForLine(/^mongodb:\/\/\S+/, 20_000);
    server = await startServeProcess({ mongoUri: withDatabase(uri, DATABASE), secret });
    client = await new MongoClient(uri).connect();
    const collection = client.db(DATABASE).collection<{ _id: string }>('stripe_objects');
    const running = { server, client };
    let request = 0;
    return {
      webhookUrl: server.webhookUrl,
      serverPid: server.process.pid,
      databasePid: database.pid,
      commands: async () => {
        const n = ++request;
        const answer = database.waitForLine(new RegExp(`^STATS ${n} (.+)$`), 10_000);
        database.child.stdin?.write(`stats ${n}\n`);
        const [, json] = await answer;
        return (JSON.parse(json ?? '{}') as { commands: number }).commands;
      },
      documents: async (ids) => {
        const found: StoredDocument[] = [];
        for (let i = 0; i < ids.length; i += 1_000) {
          found.push(...((await collection.find({ _id: { $in: ids.slice(i, i + 1_000) } }).toArray()) as StoredDocument[]));
        }
        return found;
      },
      stop: async () => {
        await running.client.close();
        await running.server.process.kill('SIGTERM');
        await database.kill('SIGTERM');
      },
    };
  } catch (error) {
    await client?.close();
    await server?.process.kill('SIGTERM');
    await database.kill('SIGTERM');
    throw error;
  }
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { freePort, ManagedProcess } from '../../../bench/harness/processes.js';
import type { MirrorServerConfig } from '../../../bench/harness/mirror-server-main.js';
import { PROJECT_ROOT, startDatabaseProcess, type DatabaseProcess } from '../../../bench/harness/stack.js';
import { startTcpProxy, type TcpProxy } from '../../../bench/harness/tcp-proxy.js';

export const SECRET = 'whsec_reliability_suite';

/**
 * The processes of one fault run: the database in its own process behind a TCP proxy (so it can "crash" without
 * losing its data), the webhook server (and in queue mode a separate worker) in others, and a direct client for
 * reading the outcome. Every application of an event is appended to `appliedLog` by the server's `*` hook.
 */
export class Cluster {
  private constructor(
    readonly database: DatabaseProcess,
    readonly proxy: TcpProxy,
    readonly client: MongoClient,
    readonly dir: string,
    readonly config: Omit<MirrorServerConfig, 'port' | 'worker'>,
    readonly port: number,
    public server: ManagedProcess,
    public worker: ManagedProcess | undefined,
  ) {}

  /** Starts database, proxy and server (plus a worker process in queue mode) and waits until all are ready. */
  static async start(options: { mode: 'sync' | 'queue'; dbName: string; leaseMs?: number }): Promise<Cluster> {
    const database = await startDatabaseProcess();
    const proxy = await startTcpProxy({ targetPort: Number(new URL(database.uri).port) });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stripe-mirror-reliability-'));
    const config = {
      mongoUri: `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`,
      dbName: options.dbName,
      secret: SECRET,
      mode: options.mode,
      leaseMs: options.leaseMs ?? 2_000,
      backoffBaseMs: 50,
      appliedLog: path.join(dir, 'applied.log'),
    };
    const port = await freePort();
    const client = await new MongoClient(database.uri).connect();
    const server = await spawnMirrorServer({ ...config, port, worker: null }, 'server');
    const worker = options.mode === 'queue' ? await spawnMirrorServer({ ...config, port: null, worker: { concurrency: 8, pollMs: 20 } }, 'worker') : undefined;
    return new Cluster(database, proxy, client, dir, config, port, server, worker);
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/stripe/webhook`;
  }

  get db(): Db {
    return this.client.db(this.config.dbName);
  }

  /** SIGKILLs the server and starts a new one on the same port. */
  async killServer(downMs: number): Promise<void> {
    await this.server.kill('SIGKILL');
    await sleep(downMs);
    this.server = await spawnMirrorServer({ ...this.config, port: this.port, worker: null }, 'server');
  }

  /** SIGKILLs the queue worker and starts a new one. */
  async killWorker(downMs: number): Promise<void> {
    await this.worker?.kill('SIGKILL');
    await sleep(downMs);
    this.worker = await spawnMirrorServer({ ...this.config, port: null, worker: { concurrency: 8, pollMs: 20 } }, 'worker');
  }

  /** The database "crashes": every connection reset, new ones refused for `downMs`, then back with its data. */
  async databaseOutage(downMs: number): Promise<void> {
    await this.proxy.down();
    await sleep(downMs);
    await this.proxy.up();
  }

  /** How many times each event id was applied (from the `*` hook's log). */
  async applications(): Promise<Map<string, number>> {
    const text = await readFile(this.config.appliedLog, 'utf8').catch(() => '');
    const counts = new Map<string, number>();
    for (const id of text.split('\n')) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    await this.worker?.kill('SIGTERM', 3_000);
    await this.server.kill('SIGTERM', 3_000);
    await this.client.close();
    await this.proxy.close();
    await this.database.process.kill('SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function spawnMirrorServer(config: MirrorServerConfig, name: string): Promise<ManagedProcess> {
  const child = ManagedProcess.start({
    name: `mirror ${name}`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/harness/mirror-server-main.ts'), JSON.stringify(config)],
    cwd: PROJECT_ROOT,
  });
  await child.waitForLine(/^ready$/, 30_000);
  return child;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

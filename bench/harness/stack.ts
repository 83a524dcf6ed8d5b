import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess } from './processes.js';

/** The checkout root: benches and fault tests run the built CLI (`bin/stripe-mirror.js` loads `dist/`). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(PROJECT_ROOT, 'bin', 'stripe-mirror.js');

/** A database in its own process, as `stripe-mirror mongo --port 0` runs it. */
export interface DatabaseProcess {
  process: ManagedProcess;
  uri: string;
}

/**
 * Starts the embedded MongoDB in a child process (`mongo-main.ts`: the built server, ending with its parent) and
 * resolves with its URI (its first stdout line).
 *
 * ```ts
 * const db = await startDatabaseProcess();
 * await mongoose.connect(db.uri, { dbName: 'bench' });
 * ```
 */
export async function startDatabaseProcess(options: { port?: number; nodeArgs?: readonly string[] } = {}): Promise<DatabaseProcess> {
  const child = ManagedProcess.start({
    name: 'embedded mongo',
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(PROJECT_ROOT, 'bench/harness/mongo-main.ts'), String(options.port ?? 0)],
    cwd: PROJECT_ROOT,
  });
  const [uri] = await child.waitForLine(/^mongodb:\/\/\S+/, 20_000);
  return { process: child, uri };
}

/** The URI of `uri`'s server with another database name (each bench and test uses its own). */
export function withDatabase(uri: string, dbName: string): string {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** A webhook server in its own process and where to deliver to. */
export interface ServerProcess {
  process: ManagedProcess;
  port: number;
  webhookUrl: string;
  /** From spawn to the first 200 on `GET /healthz`. */
  startMs: number;
}

/**
 * Starts `stripe-mirror serve` against `mongoUri` and waits until `GET /healthz` answers 200.
 *
 * ```ts
 * const server = await startServeProcess({ mongoUri, secret: 'whsec_bench' });
 * // deliver to server.webhookUrl
 * ```
 */
export async function startServeProcess(options: {
  mongoUri: string;
  secret: string;
  port?: number;
  args?: readonly string[];
  nodeArgs?: readonly string[];
}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  return startHttpProcess({
    name: 'stripe-mirror serve',
    args: [
      ...(options.nodeArgs ?? []),
      CLI,
      'serve',
      '--mongo',
      options.mongoUri,
      '--port',
      String(port),
      '--webhook-secret',
      options.secret,
      ...(options.args ?? []),
    ],
    port,
    webhookPath: '/stripe/webhook',
  });
}

/** Starts any node program serving HTTP on `port` (with `GET /healthz`) and waits until it is healthy. */
export async function startHttpProcess(options: {
  name: string;
  args: readonly string[];
  port: number;
  webhookPath: string;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = ManagedProcess.start({
    name: options.name,
    command: process.execPath,
    args: options.args,
    cwd: PROJECT_ROOT,
  });
  await waitForHealthy(child, options.port, 30_000);
  return {
    process: child,
    port: options.port,
    webhookUrl: `http://127.0.0.1:${options.port}${options.webhookPath}`,
    startMs: performance.now() - started,
  };
}

async function waitForHealthy(child: ManagedProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.spec.name} exited before it was healthy\n${child.output()}`);
    if ((await healthStatus(port)) === 200) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${child.spec.name}: GET /healthz not 200 within ${timeoutMs} ms\n${child.output()}`);
}

/** The status of `GET /healthz` on loopback, 0 when nothing answers. */
export function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(0));
  });
}

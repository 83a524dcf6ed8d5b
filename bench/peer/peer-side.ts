import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess } from '../harness/processes.js';
import { PROJECT_ROOT } from '../harness/stack.js';
import type { PrivateCluster } from './postgres.js';
import { CORE_FIELDS, type CoreType, type StoredRow } from './truth.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The peer's schema (its `SCHEMA` default). */
const SCHEMA = 'stripe';

/**
 * The peer's configuration for the bench, through its own environment variables. Nothing here calls Stripe: the
 * Stripe API is unreachable and the peer's client always targets api.stripe.com, so the two options that would call
 * it are off: BACKFILL_RELATED_ENTITIES (its default `true` looks up each related customer/invoice/subscription and
 * fetches missing ones from Stripe) and REVALIDATE_OBJECTS_VIA_STRIPE_API (empty, its default). AUTO_EXPAND_LISTS
 * stays at its default `false`. Everything else is the peer's default (pool of 10 connections, schema `stripe`,
 * migrations on start, logger at `info`).
 */
export function peerEnvironment(databaseUrl: string, secret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    STRIPE_WEBHOOK_SECRET: secret,
    STRIPE_SECRET_KEY: 'sk_test_bench_never_used',
    BACKFILL_RELATED_ENTITIES: 'false',
    REVALIDATE_OBJECTS_VIA_STRIPE_API: '',
    AUTO_EXPAND_LISTS: 'false',
  };
}

/** Where the peer's built checkout is, and the commit it is at when it is a git work tree. */
export interface PeerCheckout {
  dir: string;
  commit: string | null;
}

/**
 * The peer checkout named by `STRIPE_SYNC_ENGINE_DIR`, which must already be built (its `dist/` folders exist).
 * This repository never builds or ships the peer's code: see bench/peer/README.md.
 */
export function peerCheckout(): PeerCheckout {
  const dir = process.env.STRIPE_SYNC_ENGINE_DIR;
  if (!dir) throw new Error('set STRIPE_SYNC_ENGINE_DIR to a built supabase/stripe-sync-engine checkout (see bench/peer/README.md)');
  const needed = ['packages/fastify-app/dist/src/app.js', 'packages/sync-engine/dist/index.cjs', 'packages/sync-engine/dist/migrations'];
  const absent = needed.filter((file) => !existsSync(path.join(dir, file)));
  if (absent.length > 0) {
    throw new Error(`${dir} is not a built stripe-sync-engine checkout: missing ${absent.join(', ')} (see bench/peer/README.md)`);
  }
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = process.env.STRIPE_SYNC_ENGINE_COMMIT ?? null;
  }
  return { dir, commit };
}

/** The peer's server process on a private cluster. */
export interface PeerSide {
  webhookUrl: string;
  serverPid: number;
  /** Every row of the core tables, by type and id (core columns only). */
  rows(): Promise<Map<CoreType, Map<string, StoredRow>>>;
  stop(): Promise<void>;
}

/**
 * Starts the peer (`peer-server-main.ts`: its own app, migrations and logger) against `cluster` and waits until it
 * listens. Its webhook route is `POST /webhooks` (raw body, `Stripe-Signature` checked with its secret; 200
 * `{received: true}`, 400 on any error, which Stripe does not retry).
 */
export async function startPeerServer(checkout: PeerCheckout, cluster: PrivateCluster, secret: string): Promise<PeerSide> {
  const port = await freePort();
  const server = ManagedProcess.start({
    name: `stripe-sync-engine (${cluster.mode})`,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(here, 'peer-server-main.ts'), checkout.dir, String(port)],
    cwd: PROJECT_ROOT,
    env: peerEnvironment(cluster.peerUrl, secret),
  });
  try {
    await server.waitForLine(/^listening on /, 60_000);
    const missing = await cluster.sql(
      `select count(*) from (values ${Object.values(CORE_FIELDS).map((c) => `('${c.table}')`).join(', ')}) as t(name) ` +
        `where to_regclass('${SCHEMA}.' || name) is null`,
    );
    if (missing !== '0') throw new Error(`the peer's migrations left ${missing} core tables missing\n${server.output()}`);
  } catch (error) {
    await server.kill('SIGTERM');
    throw error;
  }
  return {
    webhookUrl: `http://127.0.0.1:${port}/webhooks`,
    serverPid: server.pid,
    rows: async () => {
      const byType = new Map<CoreType, Map<string, StoredRow>>();
      for (const [type, { table, fields }] of Object.entries(CORE_FIELDS) as Array<[CoreType, (typeof CORE_FIELDS)[CoreType]]>) {
        const columns = ['id', ...fields].map((f) => `"${f}"`).join(', ');
        const json = await cluster.sql(`select coalesce(json_agg(t), '[]') from (select ${columns} from "${SCHEMA}"."${table}") t`);
        byType.set(type, new Map((JSON.parse(json) as StoredRow[]).map((row) => [row.id, row])));
      }
      return byType;
    },
    stop: async () => {
      await server.kill('SIGTERM');
    },
  };
}

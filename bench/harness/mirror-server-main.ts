/**
 * The server process of the fault suite: the library's Koa webhook router (from `dist/`) on mongoose's default
 * connection, plus a `*` hook that appends each applied event id to a file, so a test can count applications across
 * SIGKILLs (an append is in the kernel once the call returns). It can also run only the queue worker. Configured by
 * one JSON argument ({@link MirrorServerConfig}); prints `ready` once it serves. Started by the fault tests.
 */
import { appendFileSync } from 'node:fs';
import Koa from 'koa';
import Router from '@koa/router';
import mongoose from 'mongoose';
import { loadDist } from './dist.js';
import { exitWhenOrphaned } from './orphan-guard.js';

/** What one mirror-server process does. */
export interface MirrorServerConfig {
  mongoUri: string;
  dbName: string;
  secret: string;
  mode: 'sync' | 'queue';
  /** Serve HTTP on this port; `null` for a worker-only process. */
  port: number | null;
  /** Run the queue worker in this process. */
  worker: { concurrency: number; pollMs: number } | null;
  leaseMs: number;
  backoffBaseMs: number;
  /** File receiving one line per application (`*` hook). */
  appliedLog: string;
}

exitWhenOrphaned();
const config = JSON.parse(process.argv[2] ?? '{}') as MirrorServerConfig;
const webhooks = await loadDist<typeof import('../../src/webhooks/index.js')>('webhooks/index.js');
const koa = await loadDist<typeof import('../../src/koa/index.js')>('koa/index.js');

await mongoose.connect(config.mongoUri, { dbName: config.dbName, serverSelectionTimeoutMS: 2_000 });
const handler = webhooks.createWebhookHandler({
  secrets: [config.secret],
  mode: config.mode,
  leaseMs: config.leaseMs,
  backoffBaseMs: config.backoffBaseMs,
  backoffMaxMs: 2_000,
  maxAttempts: 1_000,
});
handler.on('*', (event) => {
  appendFileSync(config.appliedLog, `${event.id}\n`);
});

if (config.worker) handler.startWorker(config.worker);
if (config.port !== null) {
  const app = new Koa();
  const health = new Router().get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  const router = koa.stripeWebhookRouter({ handler });
  app.use(health.routes()).use(router.routes()).use(router.allowedMethods());
  await new Promise<void>((resolve) => app.listen(config.port ?? 0, '127.0.0.1', resolve));
}
process.stdout.write('ready\n');

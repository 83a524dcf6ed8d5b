import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { stripeWebhookRouter } from '../koa/index.js';
import type { StripeMirror } from '../models/mirror.js';
import { createWebhookHandler, type WebhookLogger } from '../webhooks/index.js';

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  readonly mirror: StripeMirror;
  readonly secrets: readonly string[];
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** Webhook route; default `/stripe/webhook`. */
  readonly path: string;
  /** `queue`: answer once stored, apply in a background worker. */
  readonly mode: 'sync' | 'queue';
  readonly logger?: WebhookLogger;
}

/** A running webhook server. */
export interface WebhookServer {
  /** Base URL, e.g. `http://127.0.0.1:4242`. */
  readonly url: string;
  readonly webhookUrl: string;
  readonly port: number;
  /** Stops accepting deliveries, lets in-flight ones finish, then stops the queue worker. */
  stop(): Promise<void>;
}

/**
 * The Koa app behind `stripe-mirror serve` (and `demo`): the webhook route plus `GET /healthz`, which answers 200
 * while MongoDB is connected and 503 otherwise, so a load balancer stops sending traffic to a broken instance.
 *
 * ```ts
 * const server = await startWebhookServer({ mirror, secrets: ['whsec_…'], port: 0, host: '127.0.0.1', path: '/stripe/webhook', mode: 'sync' });
 * ```
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const handler = createWebhookHandler({
    secrets: options.secrets,
    mirror: options.mirror,
    mode: options.mode,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const health = new Router();
  health.get('/healthz', (ctx) => {
    const up = options.mirror.connection.readyState === 1;
    ctx.status = up ? 200 : 503;
    ctx.body = { ok: up, mongo: up ? 'connected' : 'disconnected', webhooks: handler.metrics() };
  });
  const webhooks = stripeWebhookRouter({ handler, path: options.path });
  const app = new Koa();
  app.use(health.routes()).use(webhooks.routes()).use(webhooks.allowedMethods());
  const worker = options.mode === 'queue' ? handler.startWorker() : undefined;
  const server = createServer(app.callback());
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    webhookUrl: `${url}${options.path}`,
    port,
    stop: () => (stopping ??= shutdown(server, worker)),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Graceful: no new connections, idle keep-alive sockets closed, in-flight requests answered, worker drained. */
async function shutdown(server: Server, worker: { stop(): Promise<void> } | undefined): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await worker?.stop();
}

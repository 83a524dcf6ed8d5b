import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { stripeWebhookRouter } from '../koa/index.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusMetrics } from '../metrics/index.js';
import type { StripeMirror } from '../models/mirror.js';
import { createWebhookHandler, type WebhookLogger } from '../webhooks/index.js';
import { checkReadiness } from './readiness.js';

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
  /** Log every event settled as processed or ignored (or found done) at info, with its type and duration. */
  readonly logApplied?: boolean;
}

/** A running webhook server. */
export interface WebhookServer {
  /** Base URL, e.g. `http://127.0.0.1:4242`. */
  readonly url: string;
  readonly webhookUrl: string;
  readonly port: number;
  /** From now on `GET /readyz` answers 503 (`draining`), so a load balancer stops routing here; deliveries still work. */
  drain(): void;
  /** Drains, stops accepting deliveries, lets in-flight ones finish, then stops the queue worker. */
  stop(): Promise<void>;
}

/**
 * The Koa app behind `stripe-mirror serve` (and `demo`): the webhook route plus
 * - `GET /healthz`, liveness: 200 while the process serves HTTP, whatever the database does, so an orchestrator
 *   restarts only a process that is wedged;
 * - `GET /readyz`, readiness: 200 once MongoDB answers `hello` as a writable primary within 2 s (the event log can be
 *   written), 503 otherwise and while draining on shutdown, so a load balancer routes deliveries elsewhere;
 * - `GET /metrics`, the Prometheus text of `prometheusMetrics(handler)`.
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
  const { logger } = options;
  if (options.logApplied && logger) {
    handler.pipeline.observer.subscribe(({ event, source, status, duplicate, durationMs }) => {
      if (status !== 'processed' && status !== 'ignored') return;
      logger.info(duplicate ? 'stripe event already done' : 'stripe event applied', {
        id: event.id,
        type: event.type,
        status,
        source,
        ms: Math.round(durationMs * 10) / 10,
      });
    });
  }
  let draining = false;
  const probes = new Router();
  probes.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  probes.get('/readyz', async (ctx) => {
    const readiness = draining ? { ready: false, draining: true } : await checkReadiness(options.mirror.connection);
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = readiness;
  });
  probes.get('/metrics', async (ctx) => {
    ctx.type = PROMETHEUS_CONTENT_TYPE;
    ctx.body = await prometheusMetrics(handler);
  });
  const webhooks = stripeWebhookRouter({ handler, path: options.path });
  const app = new Koa();
  app.use(probes.routes()).use(webhooks.routes()).use(webhooks.allowedMethods());
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
    drain: () => void (draining = true),
    stop: () => {
      draining = true;
      return (stopping ??= shutdown(server, worker));
    },
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

import type { EmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { migrateMirror, needsMigration } from '../../models/migrate.js';
import { createStripeMirror } from '../../models/mirror.js';
import { applyEventRetention } from '../../webhooks/retention.js';
import { parseCommandArgs, parsePort, parseSeconds, type Command } from '../command.js';
import { loadConfigFile, resolveWebhookSecrets } from '../config.js';
import { connectMongo } from '../connect.js';
import { CliUsageError } from '../errors.js';
import { cliLogger, parseLogFormat } from '../log-format.js';
import { resolveMongoUri } from '../mongo-option.js';
import { redactMongoUri } from '../secrets.js';
import { loadEmbeddedMongo, loadWebhookServer } from '../side-packages.js';
import { waitForShutdownSignal } from '../signals.js';

/**
 * `stripe-mirror serve`: a Koa server with the Stripe webhook route, `GET /healthz` (liveness), `GET /readyz`
 * (readiness) and `GET /metrics` (Prometheus). Without `--mongo` it starts an embedded MongoDB (data lost on exit: for
 * trying things out). SIGINT/SIGTERM shut it down gracefully: `/readyz` answers 503 (for `--drain-delay` seconds
 * after SIGTERM, while deliveries are still served), then in-flight deliveries are answered and, in queue mode,
 * claimed events finish before exit.
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the Stripe webhook endpoint (and GET /healthz, /readyz, /metrics), writing every event into the mirror.',
  usage: 'stripe-mirror serve --webhook-secret whsec_… [--mongo URI] [--port 4242] [--host 127.0.0.1] [--path /stripe/webhook] [--mode queue] [--log-format json]',
  help: [
    ['--webhook-secret SECRET', 'endpoint signing secret (repeatable during a rotation; env STRIPE_WEBHOOK_SECRET)'],
    ['--mongo URI', 'MongoDB holding the mirror (env MONGODB_URI; default: an embedded server, data lost on exit)'],
    ['--port PORT', 'HTTP port (env PORT; default 4242; 0 picks a free port)'],
    ['--host HOST', 'interface to bind (env HOST; default 127.0.0.1, unreachable from outside a container: use 0.0.0.0 there)'],
    ['--path PATH', 'webhook route (default /stripe/webhook)'],
    ['--mode MODE', 'sync (apply before answering, default) or queue (answer once stored, apply in a worker)'],
    ['--log-format FORMAT', 'human (default: warnings on stderr, info with --verbose) or json (one object per line on stdout, accepted events at info)'],
    ['--retain-days DAYS', 'expire processed and ignored events from stripe_events DAYS days after processing (a TTL index; failed, dead and invalid events stay; default: keep every event)'],
    ['--drain-delay SECONDS', 'after SIGTERM, answer /readyz 503 for this long before closing, so load balancers stop routing here first (default 0)'],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('serve', argv, {
      'webhook-secret': { type: 'string', multiple: true },
      mongo: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      mode: { type: 'string' },
      'log-format': { type: 'string' },
      'drain-delay': { type: 'string' },
      'retain-days': { type: 'string' },
    });
    const sources = { env: io.env, file: loadConfigFile(io.cwd) };
    const secrets = resolveWebhookSecrets(values['webhook-secret'], sources);
    if (secrets.length === 0) {
      throw new CliUsageError('no webhook signing secret: pass --webhook-secret whsec_… (from the Stripe dashboard or `stripe listen`) or set STRIPE_WEBHOOK_SECRET', 'serve');
    }
    const mode = values.mode ?? 'sync';
    if (mode !== 'sync' && mode !== 'queue') throw new CliUsageError(`--mode must be sync or queue, got '${mode}'`, 'serve');
    const path = values.path ?? '/stripe/webhook';
    if (!path.startsWith('/')) throw new CliUsageError(`--path must start with '/', got '${path}'`, 'serve');
    const port = values.port === undefined && io.env.PORT ? parsePort('serve', 'PORT', io.env.PORT, 4242) : parsePort('serve', '--port', values.port, 4242);
    const host = values.host ?? (io.env.HOST || '127.0.0.1');
    const logger = cliLogger(io, parseLogFormat('serve', values['log-format']));
    const drainMs = parseSeconds('serve', '--drain-delay', values['drain-delay'], 0) * 1000;
    const retainDays = parseRetainDays(values['retain-days']);
    const mongoUri = resolveMongoUri('serve', values.mongo, sources);
    const { startWebhookServer } = await loadWebhookServer('`stripe-mirror serve`');
    const shutdown = waitForShutdownSignal();
    let embedded: EmbeddedMongo | undefined;
    try {
      const uri = mongoUri ?? (embedded = await (await loadEmbeddedMongo('`stripe-mirror serve` without --mongo or MONGODB_URI')).startEmbeddedMongo()).uri;
      const connection = await connectMongo(uri);
      try {
        const mirror = createStripeMirror({ connection });
        if (await needsMigration(mirror)) logger.info('migrated documents of an older version', { ...(await migrateMirror(mirror)) });
        if (retainDays !== undefined) await applyEventRetention(mirror, { days: retainDays });
        const json = logger.format === 'json';
        const server = await startWebhookServer({ mirror, secrets, port, host, path, mode, logger, logApplied: json || io.verbose });
        const mongo = `${redactMongoUri(uri)}${embedded ? ' (embedded, data is lost on exit)' : ''}`;
        if (json) {
          logger.info('listening', { url: server.url, webhookUrl: server.webhookUrl, mode, mongo });
        } else {
          io.stdout.write(`listening on ${server.url} (POST ${path}, GET /healthz /readyz /metrics)\n`);
          io.stdout.write(`mongo: ${mongo}\n`);
        }
        const signal = await shutdown;
        server.drain();
        const say = (message: string): void => (json ? logger.info(message, { signal }) : void io.stderr.write(`${message}\n`));
        if (signal === 'SIGTERM' && drainMs > 0) {
          say(`draining: /readyz answers 503 for ${drainMs / 1000} s before closing`);
          await new Promise((resolve) => setTimeout(resolve, drainMs));
        }
        say('shutting down: finishing in-flight events');
        await server.stop();
      } finally {
        await connection.close();
      }
    } finally {
      await embedded?.stop();
    }
    return 0;
  },
};

/** `--retain-days`: a positive number of days, or absent (keep every event; an index from an earlier run stays). */
function parseRetainDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (value.trim() === '' || !Number.isFinite(days) || days <= 0) {
    throw new CliUsageError(`--retain-days must be a positive number of days, got '${value}'`, 'serve');
  }
  return days;
}

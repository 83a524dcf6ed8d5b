import type { EmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { createStripeMirror } from '../../models/mirror.js';
import type { WebhookLogger } from '../../webhooks/index.js';
import { parseCommandArgs, parsePort, type CliIO, type Command } from '../command.js';
import { loadConfigFile, resolveSetting, resolveWebhookSecrets } from '../config.js';
import { connectMongo } from '../connect.js';
import { CliUsageError } from '../errors.js';
import { redactMongoUri } from '../secrets.js';
import { loadEmbeddedMongo } from '../side-packages.js';
import { waitForShutdownSignal } from '../signals.js';
import { startWebhookServer } from '../webhook-server.js';

/**
 * `stripe-mirror serve`: a Koa server with the Stripe webhook route and `GET /healthz`. Without `--mongo` it starts
 * an embedded MongoDB (data lost on exit: for trying things out). SIGINT/SIGTERM shut it down gracefully: in-flight
 * deliveries are answered and, in queue mode, claimed events finish before exit.
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the Stripe webhook endpoint (and GET /healthz), writing every event into the mirror.',
  usage: 'stripe-mirror serve --webhook-secret whsec_… [--mongo URI] [--port 4242] [--path /stripe/webhook] [--mode queue]',
  help: [
    ['--webhook-secret SECRET', 'endpoint signing secret (repeatable during a rotation; env STRIPE_WEBHOOK_SECRET)'],
    ['--mongo URI', 'MongoDB holding the mirror (env MONGODB_URI; default: an embedded server, data lost on exit)'],
    ['--port PORT', 'HTTP port (default 4242; 0 picks a free port)'],
    ['--host HOST', 'interface to bind (default 127.0.0.1; 0.0.0.0 for every interface)'],
    ['--path PATH', 'webhook route (default /stripe/webhook)'],
    ['--mode MODE', 'sync (apply before answering, default) or queue (answer once stored, apply in a worker)'],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('serve', argv, {
      'webhook-secret': { type: 'string', multiple: true },
      mongo: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      mode: { type: 'string' },
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
    const port = parsePort('serve', '--port', values.port, 4242);
    const mongoUri = resolveSetting(values.mongo, sources, 'MONGODB_URI', 'mongo');
    const shutdown = waitForShutdownSignal();
    let embedded: EmbeddedMongo | undefined;
    try {
      const uri = mongoUri ?? (embedded = await (await loadEmbeddedMongo('`stripe-mirror serve` without --mongo or MONGODB_URI')).startEmbeddedMongo()).uri;
      const connection = await connectMongo(uri);
      try {
        const mirror = createStripeMirror({ connection });
        const server = await startWebhookServer({ mirror, secrets, port, host: values.host ?? '127.0.0.1', path, mode, logger: streamLogger(io) });
        io.stdout.write(`listening on ${server.url} (POST ${path}, GET /healthz)\n`);
        io.stdout.write(`mongo: ${redactMongoUri(uri)}${embedded ? ' (embedded, data is lost on exit)' : ''}\n`);
        await shutdown;
        io.stderr.write('shutting down: finishing in-flight events\n');
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

/** Webhook pipeline messages on stderr: warnings and errors always, info with `--verbose`. */
function streamLogger(io: CliIO): WebhookLogger {
  const write = (level: string, message: string, fields?: Record<string, unknown>): void => {
    io.stderr.write(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  };
  return {
    info: (message, fields) => (io.verbose ? write('info', message, fields) : undefined),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

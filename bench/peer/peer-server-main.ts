/**
 * The peer's server process: supabase/stripe-sync-engine's own Fastify app (`createServer` from its built
 * `packages/fastify-app/dist`), its migrations and its logger, started the way its `src/server.ts` starts them, but
 * listening on 127.0.0.1 instead of every interface. Configured by the peer's own environment variables
 * (DATABASE_URL, STRIPE_WEBHOOK_SECRET, ...). Usage: `node --import tsx peer-server-main.ts <checkout> <port>`;
 * started by `startPeerServer()`, not meant to be run by hand.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { exitWhenOrphaned } from '../harness/orphan-guard.js';

interface PeerApp {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}
interface PeerConfig {
  databaseUrl: string;
  schema: string;
  disableMigrations: boolean;
  sslConnectionOptions?: unknown;
}
interface PeerModules {
  app: { createServer(options: Record<string, unknown>): Promise<PeerApp> };
  config: { getConfig(): PeerConfig };
  logger: { logger: unknown };
  engine: { runMigrations(options: { databaseUrl: string; schema: string; logger: unknown; ssl?: unknown }): Promise<void> };
}

exitWhenOrphaned();
const [checkout, portArgument] = process.argv.slice(2);
if (!checkout || !portArgument) throw new Error('usage: peer-server-main.ts <stripe-sync-engine checkout> <port>');
const appDir = path.join(checkout, 'packages', 'fastify-app');
const load = createRequire(path.join(appDir, 'package.json'));
const modules: PeerModules = {
  app: load('./dist/src/app.js') as PeerModules['app'],
  config: load('./dist/src/utils/config.js') as PeerModules['config'],
  logger: load('./dist/src/logger.js') as PeerModules['logger'],
  engine: load('@supabase/stripe-sync-engine') as PeerModules['engine'],
};

const app = await modules.app.createServer({
  loggerInstance: modules.logger.logger,
  disableRequestLogging: true,
  exposeDocs: false,
  requestIdHeader: 'Request-Id',
});
const config = modules.config.getConfig();
if (!config.disableMigrations) {
  await modules.engine.runMigrations({
    databaseUrl: config.databaseUrl,
    schema: config.schema,
    logger: modules.logger.logger,
    ssl: config.sslConnectionOptions,
  });
}
const address = await app.listen({ port: Number(portArgument), host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

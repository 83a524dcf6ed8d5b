import { startEmbeddedMongo } from './index.js';
import { DEFAULT_SERVER_VERSION, parseServerVersion } from './server-version.js';

/**
 * Runs the embedded server as its own process (for benchmarks and for tools that need the database outside the
 * test process): `node dist/embedded-mongo/standalone.js [--port 27017] [--standalone] [--server-version 7.0]`
 * prints one JSON line `{ "uri": ..., "port": ... }` once listening, and stops cleanly on SIGINT/SIGTERM.
 */
const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 0;
const versionIndex = args.indexOf('--server-version');
const serverVersion = versionIndex >= 0 ? parseServerVersion(String(args[versionIndex + 1])) : DEFAULT_SERVER_VERSION;
const mongo = await startEmbeddedMongo({ port, replicaSet: !args.includes('--standalone'), serverVersion });
process.stdout.write(`${JSON.stringify({ uri: mongo.uri, port: mongo.port })}\n`);
const shutdown = (): void => {
  void mongo.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

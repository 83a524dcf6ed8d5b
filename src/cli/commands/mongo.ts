import type * as EmbeddedMongoPackage from '@stripe-mirror/embedded-mongo';
import { CliUsageError } from '../errors.js';
import { parseCommandArgs, parsePort, type Command } from '../command.js';
import { loadEmbeddedMongo } from '../side-packages.js';
import { waitForShutdownSignal } from '../signals.js';

/**
 * `stripe-mirror mongo`: the embedded MongoDB-compatible server (package `@stripe-mirror/embedded-mongo`, loaded when
 * the command runs), for tests, demos and offline development. The first line on stdout is the connection URI
 * (scripts read it); it serves until SIGINT/SIGTERM.
 */
export const mongoCommand: Command = {
  name: 'mongo',
  summary: 'Run the embedded MongoDB-compatible server (tests, demos, offline development; not for production).',
  usage: 'stripe-mirror mongo [--port 27017] [--host 127.0.0.1] [--server-version 8.0]',
  help: [
    ['--port PORT', 'TCP port to listen on (default 27017; 0 picks a free port)'],
    ['--host HOST', 'interface to bind (default 127.0.0.1)'],
    ['--server-version V', "MongoDB release to act as: 8.0 (default) or 7.0 (no cross-collection bulkWrite, like mongod 7)"],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('mongo', argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      'server-version': { type: 'string' },
    });
    const port = parsePort('mongo', '--port', values.port, 27017);
    const host = values.host ?? '127.0.0.1';
    const embedded = await loadEmbeddedMongo('`stripe-mirror mongo`');
    const serverVersion = serverVersionFlag(embedded, values['server-version']);
    const shutdown = waitForShutdownSignal();
    const server = await embedded.startEmbeddedMongo({ port, host, serverVersion });
    io.stdout.write(`${server.uri}\n`);
    io.stderr.write('embedded MongoDB is serving; press Ctrl-C to stop\n');
    await shutdown;
    await server.stop();
    return 0;
  },
};

function serverVersionFlag(embedded: typeof EmbeddedMongoPackage, value: string | undefined): EmbeddedMongoPackage.ServerVersion {
  if (value === undefined) return embedded.DEFAULT_SERVER_VERSION;
  if (!embedded.isServerVersion(value)) throw new CliUsageError(`--server-version must be 7.0 or 8.0, got '${value}'`, 'mongo');
  return value;
}

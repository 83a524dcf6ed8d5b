import { startEmbeddedMongo } from '../../embedded-mongo/index.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion, isServerVersion } from '../../embedded-mongo/server-version.js';
import { CliUsageError } from '../errors.js';
import { parseCommandArgs, parsePort, type Command } from '../command.js';
import { waitForShutdownSignal } from '../signals.js';

/**
 * `stripe-mirror mongo`: the embedded MongoDB-compatible server, for tests, demos and offline development. The first
 * line on stdout is the connection URI (scripts read it); it serves until SIGINT/SIGTERM.
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
    const serverVersion = serverVersionFlag(values['server-version']);
    const shutdown = waitForShutdownSignal();
    const server = await startEmbeddedMongo({ port, host, serverVersion });
    io.stdout.write(`${server.uri}\n`);
    io.stderr.write('embedded MongoDB is serving; press Ctrl-C to stop\n');
    await shutdown;
    await server.stop();
    return 0;
  },
};

function serverVersionFlag(value: string | undefined): ServerVersion {
  if (value === undefined) return DEFAULT_SERVER_VERSION;
  if (!isServerVersion(value)) throw new CliUsageError(`--server-version must be 7.0 or 8.0, got '${value}'`, 'mongo');
  return value;
}

#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index.js';
import { DEFAULT_SERVER_VERSION, parseServerVersion } from './server-version.js';

/**
 * The package's `embedded-mongo` command: the server as its own process, for benchmarks, for tools that need the
 * database outside the test process and for offline development. Prints one JSON line `{ "uri": ..., "port": ... }`
 * once listening (scripts read it) and stops cleanly on SIGINT/SIGTERM:
 *
 * ```sh
 * npx embedded-mongo --port 27017            # {"uri":"mongodb://127.0.0.1:27017/?directConnection=true","port":27017}
 * npx embedded-mongo --standalone --server-version 7.0
 * ```
 */
const USAGE = `usage: embedded-mongo [--port 0] [--host 127.0.0.1] [--standalone] [--server-version 8.0]
  --port PORT           TCP port (default 0: a free port, printed in the JSON line)
  --host HOST           interface to listen on (default 127.0.0.1)
  --standalone          act as a standalone server instead of a single-member replica set (no transactions)
  --server-version V    MongoDB release to act as: 8.0 (default) or 7.0 (no cross-collection bulkWrite)
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    standalone: { type: 'boolean', default: false },
    'server-version': { type: 'string', default: DEFAULT_SERVER_VERSION },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`--port must be 0 to 65535, got '${values.port}'`);
const mongo = await startEmbeddedMongo({
  port,
  host: values.host,
  replicaSet: !values.standalone,
  serverVersion: parseServerVersion(values['server-version']),
});
process.stdout.write(`${JSON.stringify({ uri: mongo.uri, port: mongo.port })}\n`);
const shutdown = (): void => {
  void mongo.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

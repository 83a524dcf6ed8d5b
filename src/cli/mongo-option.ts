import mongoose from 'mongoose';
import { CONFIG_FILE, loadConfigFile, type SettingSources } from './config.js';
import { connectMongo, DEFAULT_MONGO_URI } from './connect.js';
import type { CliIO } from './command.js';
import { CliUsageError } from './errors.js';
import { redactMongoUri } from './secrets.js';

/** The `--mongo` help row shared by the commands that read or write the mirror. */
export const MONGO_HELP = ['--mongo URI', `MongoDB holding the mirror (env MONGODB_URI; default ${DEFAULT_MONGO_URI})`] as const;

/**
 * The MongoDB URI from `--mongo`, else `MONGODB_URI`, else the config file's `mongo` (undefined when none says), checked
 * by the driver's own parser before anything connects: a malformed one is a usage error naming where it came from,
 * instead of a connection failure after the 5 s timeout.
 *
 * ```ts
 * resolveMongoUri('serve', 'notaurl', sources); // throws CliUsageError: --mongo 'notaurl' is not a MongoDB URI: …
 * ```
 */
export function resolveMongoUri(command: string, flag: string | undefined, sources: SettingSources): string | undefined {
  const env = sources.env.MONGODB_URI;
  const [uri, origin] =
    flag !== undefined ? [flag, '--mongo'] : env ? [env, 'MONGODB_URI'] : [sources.file.mongo, `"mongo" in ${CONFIG_FILE}`];
  if (uri === undefined) return undefined;
  try {
    new mongoose.mongo.MongoClient(uri);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^\w/, (c) => c.toLowerCase()) : String(err);
    throw new CliUsageError(
      `${origin} '${redactMongoUri(uri)}' is not a MongoDB URI (${reason}); expected e.g. ${DEFAULT_MONGO_URI} or mongodb+srv://user:password@cluster.example.net/stripe_mirror`,
      command,
    );
  }
  return uri;
}

/**
 * Runs `work` with a connection to the MongoDB chosen by `--mongo`, `MONGODB_URI`, the config file or the default,
 * and closes it afterwards, whatever happens.
 *
 * ```ts
 * return withMongo('status', io, values.mongo, async (connection) => { ... return 0; });
 * ```
 */
export async function withMongo<T>(
  command: string,
  io: CliIO,
  flag: string | undefined,
  work: (connection: mongoose.Connection, sources: SettingSources) => Promise<T>,
): Promise<T> {
  const sources = { env: io.env, file: loadConfigFile(io.cwd) };
  const connection = await connectMongo(resolveMongoUri(command, flag, sources) ?? DEFAULT_MONGO_URI);
  try {
    return await work(connection, sources);
  } finally {
    await connection.close();
  }
}

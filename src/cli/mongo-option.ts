import type mongoose from 'mongoose';
import { loadConfigFile, resolveSetting, type SettingSources } from './config.js';
import { connectMongo, DEFAULT_MONGO_URI } from './connect.js';
import type { CliIO } from './command.js';

/** The `--mongo` help row shared by the commands that read or write the mirror. */
export const MONGO_HELP = ['--mongo URI', `MongoDB holding the mirror (env MONGODB_URI; default ${DEFAULT_MONGO_URI})`] as const;

/**
 * Runs `work` with a connection to the MongoDB chosen by `--mongo`, `MONGODB_URI`, the config file or the default,
 * and closes it afterwards, whatever happens.
 *
 * ```ts
 * return withMongo(io, values.mongo, async (connection) => { ... return 0; });
 * ```
 */
export async function withMongo<T>(
  io: CliIO,
  flag: string | undefined,
  work: (connection: mongoose.Connection, sources: SettingSources) => Promise<T>,
): Promise<T> {
  const sources = { env: io.env, file: loadConfigFile(io.cwd) };
  const connection = await connectMongo(resolveSetting(flag, sources, 'MONGODB_URI', 'mongo') ?? DEFAULT_MONGO_URI);
  try {
    return await work(connection, sources);
  } finally {
    await connection.close();
  }
}

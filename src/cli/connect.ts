import mongoose from 'mongoose';
import Stripe from 'stripe';
import { CliFailure, CliUsageError } from './errors.js';
import { maskSecret, redactMongoUri } from './secrets.js';

/** Database used when the URI names none. */
export const DEFAULT_DB_NAME = 'stripe_mirror';

/** Where the CLI looks for MongoDB when neither `--mongo`, `MONGODB_URI` nor the config file says. */
export const DEFAULT_MONGO_URI = 'mongodb://127.0.0.1:27017/stripe_mirror';

/**
 * Opens a mongoose connection for a CLI command. It gives up after 5 s (not mongoose's 30 s) and turns the failure
 * into one line that names the URI (password hidden) and what to do.
 *
 * ```ts
 * const connection = await connectMongo('mongodb://127.0.0.1:27017/stripe_mirror');
 * ```
 */
export async function connectMongo(uri: string, options: { timeoutMs?: number } = {}): Promise<mongoose.Connection> {
  const dbName = hasDatabase(uri) ? undefined : DEFAULT_DB_NAME;
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.timeoutMs ?? 5000,
    ...(dbName ? { dbName } : {}),
  });
  try {
    return await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new CliFailure(
      'mongo_unreachable',
      `cannot reach MongoDB at ${redactMongoUri(uri)} (${reason}): start it (for a local one, 'stripe-mirror mongo'), or pass --mongo URI / set MONGODB_URI`,
      { cause: err },
    );
  }
}

function hasDatabase(uri: string): boolean {
  const match = /^mongodb(\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri);
  return match !== null && match[2] !== undefined && match[2] !== '';
}

/**
 * A `stripe` client for the CLI: no SDK-level retries (the backfill handles 429s itself) and, with `apiBase`, pointed
 * at another host such as the testing kit's fake API or stripe-mock (`http://127.0.0.1:12111`).
 *
 * ```ts
 * const stripe = createStripeClient({ key: 'sk_test_123', apiBase: 'http://127.0.0.1:12111' });
 * ```
 */
export function createStripeClient(options: { key: string; apiBase?: string | undefined; command: string }): Stripe {
  if (!/^(sk|rk)_/.test(options.key)) {
    throw new CliUsageError(
      `the Stripe key ${maskSecret(options.key)} is not a secret key: pass --stripe-key sk_… (or rk_…), or set STRIPE_SECRET_KEY`,
      options.command,
    );
  }
  return new Stripe(options.key, { maxNetworkRetries: 0, ...apiBaseConfig(options.apiBase, options.command) });
}

function apiBaseConfig(apiBase: string | undefined, command: string): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (apiBase === undefined) return {};
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new CliUsageError(`--api-base must be a URL such as http://127.0.0.1:12111, got '${apiBase}'`, command);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(`--api-base must be an http:// or https:// URL, got '${apiBase}'`, command);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { host: url.hostname, port, protocol };
}

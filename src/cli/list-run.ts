import type Stripe from 'stripe';
import { DEFAULT_RATE, resolveListTargets } from '../backfill/index.js';
import { parseDateFlag, parsePositive, type CliIO } from './command.js';
import { loadConfigFile, resolveSetting } from './config.js';
import { createStripeClient, DEFAULT_MONGO_URI } from './connect.js';
import { CliUsageError } from './errors.js';
import { resolveMongoUri } from './mongo-option.js';

/** The flags every command that walks Stripe's lists takes (`sync`, `reconcile`), as `parseCommandArgs` options. */
export const LIST_RUN_OPTIONS = {
  mongo: { type: 'string' },
  'stripe-key': { type: 'string' },
  types: { type: 'string' },
  account: { type: 'string' },
  'all-accounts': { type: 'boolean' },
  since: { type: 'string' },
  'api-base': { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Values of {@link LIST_RUN_OPTIONS} as `parseCommandArgs` gives them. */
export interface ListRunValues {
  mongo?: string | undefined;
  'stripe-key'?: string | undefined;
  types?: string | undefined;
  account?: string | undefined;
  'all-accounts'?: boolean | undefined;
  since?: string | undefined;
  'api-base'?: string | undefined;
  rate?: string | undefined;
  concurrency?: string | undefined;
}

/** What a list walk needs, resolved from the flags, the environment and the config file. */
export interface ListRun {
  stripe: Stripe;
  mongoUri: string;
  since: Date | undefined;
  rate: number | undefined;
  concurrency: number | undefined;
  types: string[] | undefined;
}

/**
 * Resolves the shared flags once, with the same usage errors for every command: a missing key, `--account` with
 * `--all-accounts`, unknown or unlistable `--types`, a malformed `--since`, `--rate` or `--concurrency`, all reported
 * before anything connects. Live keys default to Stripe's live rate.
 *
 * ```ts
 * const run = resolveListRun('reconcile', values, io);
 * ```
 */
export function resolveListRun(command: string, values: ListRunValues, io: CliIO): ListRun {
  const sources = { env: io.env, file: loadConfigFile(io.cwd) };
  const key = resolveSetting(values['stripe-key'], sources, 'STRIPE_SECRET_KEY', 'stripeKey');
  if (!key) throw new CliUsageError('no Stripe key: pass --stripe-key sk_… or set STRIPE_SECRET_KEY', command);
  if (values.account && values['all-accounts']) throw new CliUsageError('use --account or --all-accounts, not both', command);
  const stripe = createStripeClient({ key, apiBase: resolveSetting(values['api-base'], sources, 'STRIPE_API_BASE', 'apiBase'), command });
  const since = parseDateFlag(command, '--since', values.since);
  const rate = parsePositive(command, '--rate', values.rate) ?? (/^(sk|rk)_live_/.test(key) ? DEFAULT_RATE.live : undefined);
  const concurrency = parsePositive(command, '--concurrency', values.concurrency);
  const types = values.types?.split(',').map((t) => t.trim()).filter(Boolean);
  try {
    resolveListTargets(types);
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err), command);
  }
  return { stripe, mongoUri: resolveMongoUri(command, values.mongo, sources) ?? DEFAULT_MONGO_URI, since, rate, concurrency, types };
}

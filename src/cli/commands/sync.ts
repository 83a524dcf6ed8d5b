import { backfill, DEFAULT_RATE, resolveListTargets } from '../../backfill/index.js';
import { createStripeMirror } from '../../models/mirror.js';
import { parseCommandArgs, parseDateFlag, parsePositive, type Command } from '../command.js';
import { loadConfigFile, resolveSetting } from '../config.js';
import { connectMongo, createStripeClient, DEFAULT_MONGO_URI } from '../connect.js';
import { CliUsageError } from '../errors.js';
import { resolveMongoUri } from '../mongo-option.js';
import { createProgressView } from '../progress-view.js';

/**
 * `stripe-mirror sync`: a backfill from the Stripe API into MongoDB, resumable, with live progress and a summary.
 */
export const syncCommand: Command = {
  name: 'sync',
  summary: 'Backfill the mirror from the Stripe list APIs (resumable; rate-limited; Connect-aware).',
  usage: 'stripe-mirror sync [--mongo URI] [--stripe-key KEY] [--types customer,invoice,…] [--since DATE] [--catch-up]',
  help: [
    ['--mongo URI', `MongoDB to write to (env MONGODB_URI; default ${DEFAULT_MONGO_URI})`],
    ['--stripe-key KEY', 'Stripe secret or restricted key (env STRIPE_SECRET_KEY)'],
    ['--types LIST', 'comma-separated object types (default: every listable type)'],
    ['--since DATE', 'only objects created at or after DATE (ISO date or unix seconds)'],
    ['--catch-up', 'then apply /v1/events after the catch-up checkpoint (first run: 3 days before the last processed event; Stripe keeps 30 days)'],
    ['--account ACCT', 'sync this Connect account instead of the platform'],
    ['--all-accounts', 'sync the platform and every connected account'],
    ['--api-base URL', 'send API requests to another host, e.g. a local fake (http allowed; env STRIPE_API_BASE)'],
    ['--rate N', 'requests per second (default 25 for test keys, 100 for live data)'],
    ['--concurrency N', 'lists (types, or slices of one) walked at once (default 4)'],
    ['--slices N', 'split each type of more than one page into N created-time ranges walked at once (default 1); raise --concurrency with it, e.g. --slices 8 --concurrency 8'],
    ['--restart', 'ignore the checkpoints of an interrupted run and start over'],
    ['--json', 'one JSON object per line (progress, warnings, summary)'],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('sync', argv, {
      mongo: { type: 'string' },
      'stripe-key': { type: 'string' },
      types: { type: 'string' },
      since: { type: 'string' },
      'catch-up': { type: 'boolean' },
      account: { type: 'string' },
      'all-accounts': { type: 'boolean' },
      'api-base': { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      slices: { type: 'string' },
      restart: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const sources = { env: io.env, file: loadConfigFile(io.cwd) };
    const key = resolveSetting(values['stripe-key'], sources, 'STRIPE_SECRET_KEY', 'stripeKey');
    if (!key) throw new CliUsageError('no Stripe key: pass --stripe-key sk_… or set STRIPE_SECRET_KEY', 'sync');
    if (values.account && values['all-accounts']) throw new CliUsageError('use --account or --all-accounts, not both', 'sync');
    const stripe = createStripeClient({ key, apiBase: resolveSetting(values['api-base'], sources, 'STRIPE_API_BASE', 'apiBase'), command: 'sync' });
    const since = parseDateFlag('sync', '--since', values.since);
    const rate = parsePositive('sync', '--rate', values.rate) ?? (/^(sk|rk)_live_/.test(key) ? DEFAULT_RATE.live : undefined);
    const concurrency = parsePositive('sync', '--concurrency', values.concurrency);
    const slices = parsePositive('sync', '--slices', values.slices);
    const types = values.types?.split(',').map((t) => t.trim()).filter(Boolean);
    checkTypes(types);
    const mongoUri = resolveMongoUri('sync', values.mongo, sources);
    const connection = await connectMongo(mongoUri ?? DEFAULT_MONGO_URI);
    try {
      const mirror = createStripeMirror({ connection, stripe });
      const view = createProgressView(io, { json: values.json === true });
      const report = await backfill({
        mirror,
        stripe,
        ...(types ? { types } : {}),
        ...(since ? { since } : {}),
        ...(values.account ? { account: values.account } : {}),
        ...(rate ? { ratePerSecond: rate } : {}),
        ...(concurrency ? { concurrency: Math.floor(concurrency) } : {}),
        ...(slices ? { slices: Math.max(1, Math.floor(slices)) } : {}),
        catchUp: values['catch-up'] === true,
        allAccounts: values['all-accounts'] === true,
        restart: values.restart === true,
        onProgress: (p) => view.progress(p),
        onWarning: (m) => view.warning(m),
      });
      view.summary(report);
      return 0;
    } finally {
      await connection.close();
    }
  },
};

/** Unknown or unlistable types are a usage error, reported before anything connects. */
function checkTypes(types: readonly string[] | undefined): void {
  try {
    resolveListTargets(types);
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err), 'sync');
  }
}

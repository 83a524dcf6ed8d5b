import { backfill } from '../../backfill/index.js';
import { createStripeMirror } from '../../models/mirror.js';
import { parseCommandArgs, parsePositive, type Command } from '../command.js';
import { connectMongo, DEFAULT_MONGO_URI } from '../connect.js';
import { LIST_RUN_OPTIONS, resolveListRun } from '../list-run.js';
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
      ...LIST_RUN_OPTIONS,
      'catch-up': { type: 'boolean' },
      slices: { type: 'string' },
      restart: { type: 'boolean' },
    });
    const { stripe, mongoUri, since, rate, concurrency, types } = resolveListRun('sync', values, io);
    const slices = parsePositive('sync', '--slices', values.slices);
    const connection = await connectMongo(mongoUri);
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


import { createStripeMirror } from '../../models/mirror.js';
import { reconcile, type ReconcileReport } from '../../reconcile/index.js';
import { parseCommandArgs, type CliIO, type Command } from '../command.js';
import { connectMongo } from '../connect.js';
import { LIST_RUN_OPTIONS, resolveListRun } from '../list-run.js';
import { MONGO_HELP } from '../mongo-option.js';
import { plural } from '../plural.js';
import { renderTable } from '../table.js';

/** Exit code of a run that found drift and did not repair it (0: the mirror equals Stripe, or it was repaired). */
export const DRIFT_EXIT_CODE = 3;

/**
 * `stripe-mirror reconcile`: compares the mirror with Stripe's lists and reports, per type, what is missing, gone
 * (deleted in Stripe), stale or equal; `--repair` writes the fixes. Exit code 3 when drift was found and left, so a
 * cron job can alert on it.
 */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'Compare the mirror with Stripe: missing, gone (deleted in Stripe), stale and equal objects per type; --repair fixes them.',
  usage: 'stripe-mirror reconcile [--mongo URI] [--stripe-key KEY] [--types customer,invoice,…] [--account ACCT | --all-accounts] [--since DATE] [--repair] [--json]',
  help: [
    MONGO_HELP,
    ['--stripe-key KEY', 'Stripe secret or restricted key (env STRIPE_SECRET_KEY)'],
    ['--types LIST', 'comma-separated object types (default: every type a default sync lists)'],
    ['--account ACCT', 'check this Connect account instead of the platform'],
    ['--all-accounts', 'check the platform and every connected account'],
    ['--since DATE', 'only objects created at or after DATE (ISO date or unix seconds), on both sides'],
    ['--repair', 'write the fixes: missing and stale objects from Stripe, tombstones for objects deleted in Stripe'],
    ['--api-base URL', 'send API requests to another host, e.g. a local fake (http allowed; env STRIPE_API_BASE)'],
    ['--rate N', 'requests per second (default 25 for test keys, 100 for live keys)'],
    ['--concurrency N', 'lists compared at once (default 4)'],
    ['--json', 'one JSON object per line (progress, warnings, summary)'],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('reconcile', argv, {
      ...LIST_RUN_OPTIONS,
      repair: { type: 'boolean' },
    });
    const { stripe, mongoUri, since, rate, concurrency, types } = resolveListRun('reconcile', values, io);
    const json = values.json === true;
    const connection = await connectMongo(mongoUri);
    try {
      const report = await reconcile({
        mirror: createStripeMirror({ connection, stripe }),
        stripe,
        ...(types ? { types } : {}),
        ...(since ? { since } : {}),
        ...(values.account ? { account: values.account } : {}),
        ...(rate ? { ratePerSecond: rate } : {}),
        ...(concurrency ? { concurrency: Math.floor(concurrency) } : {}),
        allAccounts: values['all-accounts'] === true,
        repair: values.repair === true,
        ...(json ? { onProgress: (p) => writeLine(io, { kind: 'progress', ...p }) } : {}),
        onWarning: (message) => (json ? writeLine(io, { kind: 'warning', message }) : io.stderr.write(`warning: ${message}\n`)),
      });
      if (json) writeLine(io, { kind: 'summary', ...report });
      else io.stdout.write(formatReport(report));
      return report.clean || report.repair ? 0 : DRIFT_EXIT_CODE;
    } finally {
      await connection.close();
    }
  },
};

function writeLine(io: CliIO, value: object): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** The table of lists that hold anything, the ids of the drift, and one line saying whether the mirror equals Stripe. */
function formatReport(report: ReconcileReport): string {
  const shown = report.lists.filter((l) => l.listed > 0 || l.missing + l.gone + l.stale + l.newer > 0 || l.outcome !== 'done');
  const rows = shown.map((l) => [l.type, l.account ?? 'platform', l.listed, l.equal, l.missing, l.stale, l.gone, l.newer, l.repaired, l.outcome]);
  const ids = report.lists.flatMap((l) =>
    (['missing', 'stale', 'gone'] as const)
      .filter((kind) => l.ids[kind].length > 0)
      .map((kind) => `${l.type}${l.account ? ` (${l.account})` : ''} ${kind}: ${l.ids[kind].join(', ')}${l[kind] > l.ids[kind].length ? `, … (${l[kind]} in all)` : ''}\n`),
  );
  const { missing, gone, stale, repaired } = report.totals;
  const compared = report.lists.reduce((sum, l) => sum + l.listed, 0);
  const verdict = report.clean
    ? `the mirror equals Stripe: ${plural(compared, 'object')} compared in ${report.seconds.toFixed(1)}s\n`
    : `drift: ${missing} missing, ${stale} stale, ${gone} gone; ${report.repair ? `${plural(repaired, 'object')} repaired` : "run again with --repair to fix it"}\n`;
  return [renderTable(['type', 'account', 'listed', 'equal', 'missing', 'stale', 'gone', 'newer', 'repaired', 'outcome'], rows), ...ids, verdict].join('');
}


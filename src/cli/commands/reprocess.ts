import { createStripeMirror } from '../../models/mirror.js';
import { reprocessEvents } from '../../webhooks/index.js';
import { parseCommandArgs, parseDateFlag, type Command } from '../command.js';
import { MONGO_HELP, withMongo } from '../mongo-option.js';
import { plural } from '../plural.js';

/**
 * `stripe-mirror reprocess`: applies stored events again through the webhook pipeline (after a bug fix, or to retry
 * failed events now). Safe at any time: older events never overwrite newer state.
 */
export const reprocessCommand: Command = {
  name: 'reprocess',
  summary: 'Apply stored Stripe events again (all, failed only, since a date, or of some types).',
  usage: 'stripe-mirror reprocess [--failed] [--since DATE] [--type TYPE]… [--mongo URI] [--json]',
  help: [
    ['--failed', 'only events whose last attempt failed (status failed or dead)'],
    ['--since DATE', 'only events created at or after DATE (ISO date or unix seconds)'],
    ['--type TYPE', 'only events of this type, e.g. invoice.paid (repeatable)'],
    MONGO_HELP,
    ['--json', 'print the counts as one JSON object'],
  ],
  async run(argv, io) {
    const { values } = parseCommandArgs('reprocess', argv, {
      failed: { type: 'boolean' },
      since: { type: 'string' },
      type: { type: 'string', multiple: true },
      mongo: { type: 'string' },
      json: { type: 'boolean' },
    });
    const since = parseDateFlag('reprocess', '--since', values.since);
    return withMongo('reprocess', io, values.mongo, async (connection) => {
      const report = await reprocessEvents({
        mirror: createStripeMirror({ connection }),
        ...(values.failed ? { failed: true } : {}),
        ...(since ? { since } : {}),
        ...(values.type ? { type: values.type } : {}),
      });
      io.stdout.write(
        values.json
          ? `${JSON.stringify(report)}\n`
          : `reprocessed ${plural(report.matched, 'event')}: ${report.processed} processed, ${report.ignored} ignored, ${report.failed} failed, ${report.skipped} skipped (in progress elsewhere)\n`,
      );
      return report.failed > 0 ? 1 : 0;
    });
  },
};

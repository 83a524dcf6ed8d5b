import { createStripeMirror } from '../../models/mirror.js';
import { migrateMirror } from '../../models/migrate.js';
import { parseCommandArgs, type Command } from '../command.js';
import { MONGO_HELP, withMongo } from '../mongo-option.js';

/**
 * `stripe-mirror migrate`: brings documents written by older versions to the current layout (see `migrateMirror`).
 * Idempotent; `serve` runs it at start-up when needed.
 */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Bring documents written by older versions of stripe-mirror to the current layout (idempotent).',
  usage: 'stripe-mirror migrate [--mongo URI] [--json]',
  help: [MONGO_HELP, ['--json', 'print what changed as one JSON object']],
  async run(argv, io) {
    const { values } = parseCommandArgs('migrate', argv, { mongo: { type: 'string' }, json: { type: 'boolean' } });
    return withMongo('migrate', io, values.mongo, async (connection) => {
      const report = await migrateMirror(createStripeMirror({ connection }));
      const { canceledSubscriptionsRestored: restored } = report;
      io.stdout.write(
        values.json
          ? `${JSON.stringify(report)}\n`
          : `migrated: ${restored} canceled ${restored === 1 ? 'subscription' : 'subscriptions'} stored as deleted by an older version restored\n`,
      );
      return 0;
    });
  },
};

import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type Stripe from 'stripe';
import { createStripeMirror } from '../../models/mirror.js';
import { ingestStripeEvent } from '../../webhooks/index.js';
import { parseCommandArgs, type Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { MONGO_HELP, withMongo } from '../mongo-option.js';
import { plural } from '../plural.js';

/**
 * `stripe-mirror replay FILE.ndjson`: records and applies events from a file (one JSON event per line) through the
 * webhook path without signatures (`ingestStripeEvent`, source `replay`); for migrations, tests and rebuilding a
 * mirror from an archive of events. Events land in `stripe_events` like deliveries, so `status` shows them and a
 * catch-up resumes after them; an event already processed is skipped (`reprocess` re-applies logged events).
 */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'Record and apply Stripe events from an NDJSON file (one event per line) through the webhook path, unsigned.',
  usage: 'stripe-mirror replay FILE.ndjson [--mongo URI] [--json]',
  help: [MONGO_HELP, ['--json', 'print the counts as one JSON object']],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('replay', argv, { mongo: { type: 'string' }, json: { type: 'boolean' } }, {
      min: 1,
      max: 1,
      names: 'FILE.ndjson',
    });
    const file = positionals[0] ?? '';
    await access(file).catch(() => {
      throw new CliFailure('cli_file', `cannot read ${file}: give the path of an NDJSON file with one Stripe event per line`);
    });
    return withMongo('replay', io, values.mongo, async (connection) => {
      const mirror = createStripeMirror({ connection });
      const counts = { events: 0, processed: 0, ignored: 0, invalid: 0, duplicates: 0, objects: 0 };
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        const event = parseEvent(line, `${file}:${lineNumber}`);
        const result = await ingestStripeEvent(event, { mirror, source: 'replay' }).catch((err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          throw new CliFailure('replay_failed', `${file}:${lineNumber} (${event.id}) could not be applied: ${reason}; events before it were applied (stripe-mirror status lists failed events), fix it and replay again (replays are idempotent)`, { cause: err });
        });
        counts.events += 1;
        counts[result.duplicate ? 'duplicates' : result.status] += 1;
        counts.objects += result.report?.ids.length ?? 0;
      }
      io.stdout.write(
        values.json
          ? `${JSON.stringify(counts)}\n`
          : `replayed ${plural(counts.events, 'event')} from ${file}: ${counts.processed} applied, ${counts.ignored} ignored, ${counts.invalid > 0 ? `${counts.invalid} invalid (recorded with their reason; they can never apply), ` : ''}${counts.duplicates} already processed, ${plural(counts.objects, 'object write')}\n`,
      );
      return 0;
    });
  },
};

function parseEvent(line: string, where: string): Stripe.Event {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CliFailure('cli_file', `${where} is not valid JSON: each line must be one Stripe event`);
  }
  const { object, id, type } = (value ?? {}) as { object?: unknown; id?: unknown; type?: unknown };
  if (object !== 'event' || typeof id !== 'string' || typeof type !== 'string') {
    throw new CliFailure('cli_file', `${where} is not a Stripe event (expected { "object": "event", "id": "evt_…", "type": … })`);
  }
  return value as Stripe.Event;
}

import { StripeMirrorError } from '../errors.js';
import { formatCommandHelp, type CliIO, type Command } from './command.js';
import { CliUsageError } from './errors.js';
import { describeFailure, redactSecrets } from './failure.js';
import { closest } from './suggest.js';

/** Each command is loaded only when run, so `stripe-mirror mongo` never loads Koa or the Stripe SDK. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  mongo: { summary: 'run the embedded MongoDB-compatible server', load: async () => (await import('./commands/mongo.js')).mongoCommand },
  serve: { summary: 'serve the webhook endpoint, /healthz, /readyz and /metrics', load: async () => (await import('./commands/serve.js')).serveCommand },
  sync: { summary: 'backfill the mirror from the Stripe API', load: async () => (await import('./commands/sync.js')).syncCommand },
  replay: { summary: 'apply events from an NDJSON file', load: async () => (await import('./commands/replay.js')).replayCommand },
  reprocess: { summary: 'apply stored events again', load: async () => (await import('./commands/reprocess.js')).reprocessCommand },
  migrate: { summary: 'bring documents of older versions to the current layout', load: async () => (await import('./commands/migrate.js')).migrateCommand },
  reconcile: { summary: 'compare the mirror with Stripe and repair the drift', load: async () => (await import('./commands/reconcile.js')).reconcileCommand },
  status: { summary: 'show what the mirror holds', load: async () => (await import('./commands/status.js')).statusCommand },
  demo: { summary: 'run everything locally against a fake Stripe API', load: async () => (await import('./commands/demo.js')).demoCommand },
};

const TOP_HELP = `stripe-mirror: keep a faithful, queryable copy of a Stripe account in MongoDB.

Usage: stripe-mirror <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`)
  .join('\n')}

Configuration: flags first, then the environment (MONGODB_URI, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET; PORT and
HOST for serve), then ./stripe-mirror.config.json ({ "mongo", "stripeKey", "webhookSecret", "apiBase" }).
Run 'stripe-mirror <command> --help' for a command's options. Try 'stripe-mirror demo' first.
`;

/**
 * Runs the CLI and resolves to the exit code; never throws. Failures become one line on stderr (with the stack only
 * under `--verbose`). `bin/stripe-mirror.js` calls it with `process.argv.slice(2)`.
 *
 * ```ts
 * process.exit(await main(['status', '--json']));
 * ```
 */
export async function main(argv: string[], io: CliIO = processIO(argv)): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(TOP_HELP);
      return 0;
    }
    if (name === '--version') {
      io.stdout.write(`${await packageVersion()}\n`);
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) {
      const near = closest(name, Object.keys(COMMANDS));
      throw new CliUsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(formatCommandHelp(command));
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    const { line, exitCode } = describeFailure(err);
    io.stderr.write(`stripe-mirror: ${line}\n`);
    if (io.verbose) io.stderr.write(`${redactSecrets(verboseDetails(err))}\n`);
    return exitCode;
  }
}

function processIO(argv: string[]): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    verbose: argv.includes('--verbose'),
  };
}

function verboseDetails(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `\ncaused by: ${err.cause.stack ?? err.cause.message}` : '';
  const code = err instanceof StripeMirrorError ? ` [${err.code}]` : '';
  return `${err.stack ?? err.message}${code}${cause}`;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

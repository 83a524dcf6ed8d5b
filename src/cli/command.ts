import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './errors.js';
import { closest } from './suggest.js';

/** Where a command writes; the real process streams in production, so TTY detection works. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** `--verbose` anywhere on the command line: stack traces and debug details on failure. */
  readonly verbose: boolean;
}

/**
 * One `stripe-mirror <name>` command. `help` rows are `[flags, description]`, printed by `--help`; `run` parses its
 * own arguments with {@link parseCommandArgs} and resolves to the process exit code.
 *
 * ```ts
 * export const pingCommand: Command = {
 *   name: 'ping', summary: 'say hello', usage: 'stripe-mirror ping', help: [],
 *   run: async (argv, io) => { parseCommandArgs('ping', argv, {}); io.stdout.write('pong\n'); return 0; },
 * };
 * ```
 */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly help: readonly (readonly [string, string])[];
  run(argv: string[], io: CliIO): Promise<number>;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Flags every command accepts; main handles them before the command runs. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
} as const satisfies OptionsConfig;

/** What {@link parseCommandArgs} returns: `values` typed from the option table, and the positionals. */
export type ParsedCommand<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & typeof COMMON_OPTIONS; strict: true; allowPositionals: true }>
>;

/** The rows `--help` prints for the flags every command accepts. */
export const COMMON_HELP: readonly (readonly [string, string])[] = [
  ['--verbose', 'print stack traces and details when something fails'],
  ['-h, --help', 'show this help'],
];

/**
 * `node:util` `parseArgs` in strict mode, with the mistakes worded by the CLI as {@link CliUsageError}s that name the
 * command (so the user is pointed at `stripe-mirror <command> --help`): an unknown flag with the closest valid one, a
 * flag missing its value, a value given to a switch.
 *
 * ```ts
 * const { values } = parseCommandArgs('mongo', argv, { port: { type: 'string' } });
 * ```
 */
export function parseCommandArgs<const T extends OptionsConfig>(
  command: string,
  args: string[],
  options: T,
  positionals: { min: number; max: number; names?: string } = { min: 0, max: 0 },
): ParsedCommand<T> {
  const config = { args, options: { ...options, ...COMMON_OPTIONS }, strict: true, allowPositionals: true } as const;
  checkFlags(command, args, config.options);
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new CliUsageError(`cannot read the arguments: ${err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err)}`, command);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) {
    throw new CliUsageError(`missing argument ${positionals.names ?? ''}`.trim(), command);
  }
  if (count > positionals.max) {
    throw new CliUsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`, command);
  }
  return parsed;
}

/** Reads the flags as `parseArgs` tokens (which never throw) and reports the first mistake in the CLI's words. */
function checkFlags(command: string, args: string[], options: OptionsConfig): void {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const names = Object.keys(options);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    const spec = options[token.name];
    if (!spec) {
      const near = closest(token.name, names);
      const hint = near ? `did you mean --${near}?` : `the flags are ${names.map((name) => `--${name}`).join(', ')}`;
      throw new CliUsageError(`unknown flag ${flag} (${hint})`, command);
    }
    if (spec.type === 'boolean' && token.inlineValue) throw new CliUsageError(`${flag} is a switch and takes no value, got '${flag}=${token.value ?? ''}'`, command);
    if (spec.type !== 'string') continue;
    if (token.value === undefined) throw new CliUsageError(`${flag} needs a value: ${flag} VALUE`, command);
    if (!token.inlineValue && token.value.startsWith('-')) {
      throw new CliUsageError(`${flag} needs a value, but '${token.value}' follows it (for a value starting with '-', write ${flag}=${token.value})`, command);
    }
  }
}

/**
 * Parses a TCP port flag (`0` means an ephemeral port).
 *
 * ```ts
 * parsePort('mongo', '--port', values.port, 27017); // 27017 when the flag is absent
 * ```
 */
export function parsePort(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliUsageError(`${flag} must be a port number between 0 and 65535, got '${value}'`, command);
  }
  return port;
}

/**
 * Parses a positive number flag such as `--rate 50`.
 *
 * ```ts
 * parsePositive('sync', '--rate', values.rate); // undefined when absent
 * ```
 */
export function parsePositive(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliUsageError(`${flag} must be a positive number, got '${value}'`, command);
  return n;
}

/**
 * Parses a duration flag in seconds, zero included, such as `--drain-delay 5`.
 *
 * ```ts
 * parseSeconds('serve', '--drain-delay', values['drain-delay'], 0); // 0 when absent
 * ```
 */
export function parseSeconds(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new CliUsageError(`${flag} must be a number of seconds (0 or more), got '${value}'`, command);
  return n;
}

/** The text `stripe-mirror <command> --help` prints. */
export function formatCommandHelp(command: Command): string {
  const rows = [...command.help, ...COMMON_HELP];
  const width = Math.max(...rows.map(([flags]) => flags.length));
  const lines = rows.map(([flags, text]) => `  ${flags.padEnd(width)}  ${text}`);
  return `${command.summary}\n\nUsage: ${command.usage}\n\nOptions:\n${lines.join('\n')}\n`;
}

/**
 * Parses a date flag: an ISO date (`2026-01-31`, `2026-01-31T12:00:00Z`) or unix seconds.
 *
 * ```ts
 * parseDateFlag('sync', '--since', values.since); // undefined when absent
 * ```
 */
export function parseDateFlag(command: string, flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new CliUsageError(`${flag} must be a date (2026-01-31, 2026-01-31T12:00:00Z) or unix seconds, got '${value}'`, command);
  }
  return date;
}

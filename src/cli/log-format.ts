import type { WebhookLogger } from '../webhooks/index.js';
import type { CliIO } from './command.js';
import { CliUsageError } from './errors.js';

/** `--log-format`: lines for people (`warn: message {fields}`) or one JSON object per line for log collectors. */
export type LogFormat = 'human' | 'json';

/** The CLI's logger: the pipeline's `{ info, warn, error }`, plus the format it writes. */
export interface CliLogger extends WebhookLogger {
  readonly format: LogFormat;
}

/** Keys every JSON line starts with; a field of the same name cannot overwrite them. */
const RESERVED = new Set(['level', 'time', 'msg']);

/**
 * Reads `--log-format` (default `human`).
 *
 * ```ts
 * parseLogFormat('serve', values['log-format']); // 'json' for --log-format json
 * ```
 */
export function parseLogFormat(command: string, value: string | undefined): LogFormat {
  if (value === undefined || value === 'human' || value === 'json') return value ?? 'human';
  throw new CliUsageError(`--log-format must be human or json, got '${value}'`, command);
}

/**
 * A logger for long-running commands. `human`: `warn: stripe webhook rejected {"reason":"signature_mismatch"}` on
 * stderr, info lines only with `--verbose` (a terminal stays quiet). `json`: every level, one object per line on
 * stdout as log collectors expect, with `level`, `time` (ISO 8601) and `msg` first, then the fields.
 *
 * ```ts
 * const logger = cliLogger(io, 'json');
 * logger.info('listening', { url }); // {"level":"info","time":"2026-07-29T10:00:00.000Z","msg":"listening","url":"http://127.0.0.1:4242"}
 * ```
 */
export function cliLogger(io: CliIO, format: LogFormat): CliLogger {
  const write =
    format === 'json'
      ? (level: string, message: string, fields?: Record<string, unknown>): void => {
          const record: Record<string, unknown> = { level, time: new Date().toISOString(), msg: message };
          for (const [key, value] of Object.entries(fields ?? {})) if (!RESERVED.has(key)) record[key] = value;
          io.stdout.write(`${JSON.stringify(record)}\n`);
        }
      : (level: string, message: string, fields?: Record<string, unknown>): void => {
          io.stderr.write(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
        };
  const info = format === 'json' || io.verbose;
  return {
    format,
    info: (message, fields) => (info ? write('info', message, fields) : undefined),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

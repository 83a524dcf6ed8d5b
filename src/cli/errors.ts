import type { ErrorCodeOf } from '../error-codes.js';
import { StripeMirrorError } from '../errors.js';

/**
 * A problem with how the CLI was invoked (unknown flag, missing argument, bad value). The CLI prints the message and
 * exits with code 2, like most Unix tools do for usage errors.
 *
 * ```ts
 * throw new CliUsageError('--port must be a number between 0 and 65535, got "abc"', 'mongo');
 * ```
 */
export class CliUsageError extends StripeMirrorError {
  /** The command whose `--help` explains the right usage, if any. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super('cli_usage', message);
    this.command = command;
  }
}

/**
 * Something outside the CLI is wrong (MongoDB unreachable, Stripe rejected the key, unreadable config file). The
 * message already says what to do; the CLI prints it as one line and exits with code 1. Its codes are the registry's
 * `CliFailure` rows (`cli_config`, `cli_file`, `mongo_unreachable`, …), so a new kind of failure is one row there.
 *
 * ```ts
 * throw new CliFailure('mongo_unreachable', 'cannot reach MongoDB at mongodb://127.0.0.1:27017: start it or pass --mongo');
 * ```
 */
export class CliFailure extends StripeMirrorError {
  declare readonly code: ErrorCodeOf<'CliFailure'>;

  constructor(code: ErrorCodeOf<'CliFailure'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

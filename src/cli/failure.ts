import { StripeMirrorError } from '../errors.js';
import { CliUsageError } from './errors.js';
import { maskSecret } from './secrets.js';

/**
 * Turns any error that escaped a command into the one line the user sees, saying what is wrong and what to do, plus
 * the exit code (2 for usage errors, 1 otherwise). Errors the CLI already worded (`StripeMirrorError`) pass through;
 * well-known third-party failures (Stripe authentication, ports in use) get a worded line here.
 *
 * ```ts
 * const { line, exitCode } = describeFailure(err);
 * process.stderr.write(`stripe-mirror: ${line}\n`);
 * ```
 */
export function describeFailure(err: unknown): { line: string; exitCode: number } {
  const { line, exitCode } = describe(err);
  return { line: redactSecrets(line), exitCode };
}

/** Masks anything shaped like a Stripe secret that slipped into a message (a third-party error echoing a key). */
export function redactSecrets(text: string): string {
  return text.replace(/\b(?:sk|rk|whsec)_[A-Za-z0-9_]{6,}/g, (secret) => maskSecret(secret));
}

function describe(err: unknown): { line: string; exitCode: number } {
  if (err instanceof CliUsageError) {
    const hint = err.command ? `run 'stripe-mirror ${err.command} --help'` : "run 'stripe-mirror --help'";
    return { line: `${err.message} (${hint})`, exitCode: 2 };
  }
  if (err instanceof StripeMirrorError) return { line: err.message, exitCode: 1 };
  const known = describeKnown(err);
  if (known) return { line: known, exitCode: 1 };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `${firstLine(message)} (run again with --verbose for details)`, exitCode: 1 };
}

function describeKnown(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, code, message } = err as { type?: unknown; code?: unknown; message?: unknown };
  if (type === 'StripeAuthenticationError') {
    return 'Stripe rejected the API key: check --stripe-key or STRIPE_SECRET_KEY (a secret key sk_… or restricted key rk_…)';
  }
  if (type === 'StripePermissionError') {
    return `the Stripe key lacks a permission: ${firstLine(String(message))} (use a key with read access to every synced type)`;
  }
  if (type === 'StripeConnectionError') {
    return 'cannot reach the Stripe API: check the network, or --api-base when pointing at a local fake';
  }
  if (code === 'EADDRINUSE') return `${firstLine(String(message))}: the port is taken; pick another with --port`;
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

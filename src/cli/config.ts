import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliFailure } from './errors.js';

/** The optional `stripe-mirror.config.json` in the working directory: the lowest-priority configuration source. */
export const CONFIG_FILE = 'stripe-mirror.config.json';

/** Settings shared by several commands, after flags, environment and config file are merged. */
export interface FileConfig {
  readonly mongo?: string;
  readonly stripeKey?: string;
  readonly webhookSecret?: string | readonly string[];
  readonly apiBase?: string;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['mongo', 'stripeKey', 'webhookSecret', 'apiBase']);

/** Where a command looks up a setting that is not a flag: the environment, then the config file. */
export interface SettingSources {
  readonly env: NodeJS.ProcessEnv;
  readonly file: FileConfig;
}

/**
 * Reads `stripe-mirror.config.json` from `cwd` when it exists. Unknown keys are rejected, so a misspelled setting
 * never silently falls back to a default.
 *
 * ```ts
 * const sources = { env: process.env, file: loadConfigFile(process.cwd()) };
 * ```
 */
export function loadConfigFile(cwd: string): FileConfig {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliFailure('cli_config', `${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}): fix or remove it`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliFailure('cli_config', `${path} must hold a JSON object such as { "mongo": "mongodb://127.0.0.1:27017/stripe_mirror" }`);
  }
  const unknown = Object.keys(parsed).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    throw new CliFailure('cli_config', `${path} has unknown setting(s) ${unknown.join(', ')}; known: ${[...KNOWN_KEYS].join(', ')}`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    const ok = typeof value === 'string' || (key === 'webhookSecret' && Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw new CliFailure('cli_config', `${path}: "${key}" must be a string`);
  }
  return parsed as FileConfig;
}

/**
 * A setting from the flag, else the environment variable, else the config file.
 *
 * ```ts
 * const key = resolveSetting(values['stripe-key'], sources, 'STRIPE_SECRET_KEY', 'stripeKey');
 * ```
 */
export function resolveSetting(
  flag: string | undefined,
  sources: SettingSources,
  envName: string,
  fileKey: 'mongo' | 'stripeKey' | 'apiBase',
): string | undefined {
  return flag ?? nonEmpty(sources.env[envName]) ?? sources.file[fileKey];
}

/** Webhook secrets: the repeatable flag, else `STRIPE_WEBHOOK_SECRET` (comma-separated), else the config file. */
export function resolveWebhookSecrets(flags: readonly string[] | undefined, sources: SettingSources): string[] {
  if (flags && flags.length > 0) return [...flags];
  const env = nonEmpty(sources.env.STRIPE_WEBHOOK_SECRET);
  if (env) return env.split(',').map((s) => s.trim()).filter(Boolean);
  const file = sources.file.webhookSecret;
  return file === undefined ? [] : typeof file === 'string' ? [file] : [...file];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher users run; it loads dist/, so `npm run build` must have run. */
export const BIN = fileURLToPath(new URL('../../../bin/stripe-mirror.js', import.meta.url));

/** Output and exit of a finished CLI process. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process whose output is collected as it arrives. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  exited(): Promise<CliResult>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** A scratch working directory: no stray stripe-mirror.config.json applies. */
export const SCRATCH_DIR = mkdtempSync(join(tmpdir(), 'stripe-mirror-cli-'));

/**
 * The environment of a spawned CLI: this process's, minus every setting the CLI reads (so the test harness's own
 * `MONGODB_URI` never leaks in), plus `extra`.
 */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['MONGODB_URI', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** Environment variables to add (the CLI's own are removed otherwise) and the working directory. */
export interface CliOptions {
  env?: Record<string, string>;
  /** Default: a scratch directory without a config file. */
  cwd?: string;
}

/** Spawns `node bin/stripe-mirror.js …args` as a user would. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? SCRATCH_DIR, env: cliEnv(options.env ?? {}), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = stdout.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          cleanup();
          resolve(line);
          return true;
        };
        const onExit = (): void => {
          if (check()) return;
          cleanup();
          reject(new Error(`CLI exited before printing ${String(pattern)}; stdout: ${stdout}\nstderr: ${stderr}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.off('close', onExit);
        };
        if (check()) return;
        child.stdout.on('data', check);
        child.on('close', onExit);
      });
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited();
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The JSON objects of a `--json` output, one per line. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

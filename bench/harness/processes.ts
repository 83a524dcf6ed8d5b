import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

/** What to run: `node bin/stripe-mirror.js mongo --port 0` is `{ command: process.execPath, args: [...] }`. */
export interface ProcessSpec {
  /** Shown in errors and logs. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_LINES = 200;

/** Children still running: killed when this process exits, so a failed or timed-out run leaves no orphans. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A child process the harness starts, watches and kills: the database, `stripe-mirror serve`, the load generator.
 * Keeps the last lines of stdout and stderr so a failure says what the child printed, and lets a test wait for a
 * printed line (a URI, "listening on …").
 *
 * ```ts
 * const db = ManagedProcess.start({ name: 'mongo', command: process.execPath, args: ['bin/stripe-mirror.js', 'mongo', '--port', '0'] });
 * const [uri] = await db.waitForLine(/mongodb:\/\/\S+/, 10_000);
 * await db.kill('SIGKILL');
 * ```
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private readonly stdoutTail: string[] = [];
  private readonly stderrTail: string[] = [];
  private readonly lineWaiters = new Set<(line: string) => void>();
  private exit: ProcessExit | undefined;

  private constructor(readonly spec: ProcessSpec) {
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.once('error', () => {
        live.delete(this.child);
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
    readLines(this.child.stdout, (line) => {
      pushTail(this.stdoutTail, line);
      for (const waiter of this.lineWaiters) waiter(line);
    });
    readLines(this.child.stderr, (line) => pushTail(this.stderrTail, line));
  }

  static start(spec: ProcessSpec): ManagedProcess {
    return new ManagedProcess(spec);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.spec.name}: process did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves with the match of the first stdout line (already printed or to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const seen = this.stdoutTail.map((line) => line.match(pattern)).find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.lineWaiters.delete(onLine);
      };
      const onLine = (line: string): void => {
        const match = line.match(pattern);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.spec.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      this.lineWaiters.add(onLine);
      void this.exited.then((exit) => {
        if (!this.lineWaiters.has(onLine)) return;
        done();
        reject(new Error(`${this.spec.name}: exited (${describeExit(exit)}) before printing ${pattern}\n${this.output()}`));
      });
    });
  }

  /** Sends `signal` and resolves when the process is gone (SIGKILL after `graceMs` if it lingers). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Writes to the child's stdin (the load generator reads its job from there). */
  send(text: string): void {
    this.child.stdin?.end(text);
  }

  /** The last lines the child printed, for error messages. */
  output(): string {
    return [`--- ${this.spec.name} stdout ---`, ...this.stdoutTail, `--- ${this.spec.name} stderr ---`, ...this.stderrTail].join('\n');
  }

  /** All of stdout kept so far (the last lines only). */
  stdout(): string {
    return this.stdoutTail.join('\n');
  }
}

/** Resident memory of a running process, from /proc (Linux): current and peak (VmHWM), in MB. */
export async function processMemory(pid: number): Promise<{ rssMb: number; peakRssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) a running process has used so far, in ms, from /proc (Linux). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

/** A free TCP port on loopback (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not allocate a port');
  return address.port;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function pushTail(tail: string[], line: string): void {
  tail.push(line);
  if (tail.length > TAIL_LINES) tail.shift();
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
}

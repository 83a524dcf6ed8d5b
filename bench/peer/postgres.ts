import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, ManagedProcess } from '../harness/processes.js';

const run = promisify(execFile);

/** `durable`: PostgreSQL's defaults (every commit fsynced); `fast`: `fsync=off`, `synchronous_commit=off`. */
export type PostgresMode = 'durable' | 'fast';

const MODE_SETTINGS: Record<PostgresMode, readonly string[]> = {
  durable: [],
  fast: ['fsync=off', 'synchronous_commit=off'],
};

/**
 * The database the peer uses; `pg_stat_statements` counts statements in this database only (the peer connects as
 * the superuser `postgres`, as its docs do: its migration 0012 changes a function's owner to `postgres`).
 */
export const PEER_DATABASE = 'peer';

/** A throw-away PostgreSQL cluster of this run: its own data directory, port and postmaster. */
export interface PrivateCluster {
  mode: PostgresMode;
  port: number;
  /** The URL the peer connects with (superuser `postgres`, database {@link PEER_DATABASE}, loopback). */
  peerUrl: string;
  /** Runs one SQL statement in the peer's database and returns psql's unaligned output. */
  sql(statement: string): Promise<string>;
  /** Statements run in the peer's database since the last {@link resetStatements} (pg_stat_statements `calls`). */
  statementCount(): Promise<number>;
  resetStatements(): Promise<void>;
  /** CPU (user + system, ms) of the postmaster and every backend, exited ones included. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL cluster: `initdb` into a temporary directory, the postmaster in the foreground on a
 * free loopback port with `pg_stat_statements` preloaded, then the database `peer`. As root, the server runs as
 * the `postgres` system user (`PG_USER` to choose another; initdb refuses root). The binaries come from `PG_BIN`, else
 * the newest `/usr/lib/postgresql/<version>/bin` (Debian's layout).
 *
 * ```ts
 * const pg = await startPrivateCluster('fast');
 * // start the peer with DATABASE_URL=pg.peerUrl, deliver, then:
 * const statements = await pg.statementCount();
 * await pg.stop();
 * ```
 */
export async function startPrivateCluster(mode: PostgresMode): Promise<PrivateCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stripe-mirror-peer-pg-'));
  const data = path.join(dir, 'data');
  const owner = systemUser();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  let postmaster: ManagedProcess | undefined;
  try {
    const asOwner = (command: string, args: readonly string[]): { command: string; args: string[] } =>
      owner
        ? { command: 'setpriv', args: ['--reuid', String(owner.uid), '--regid', String(owner.gid), '--clear-groups', command, ...args] }
        : { command, args: [...args] };
    const initdb = asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    await run(initdb.command, initdb.args, { cwd: dir });
    const port = await freePort();
    const settings = [
      'listen_addresses=127.0.0.1',
      `port=${port}`,
      `unix_socket_directories=${dir}`,
      'shared_preload_libraries=pg_stat_statements',
      ...MODE_SETTINGS[mode],
    ];
    const server = asOwner(path.join(bin, 'postgres'), ['-D', data, ...settings.flatMap((s) => ['-c', s])]);
    postmaster = ManagedProcess.start({ name: `postgres (${mode})`, command: server.command, args: server.args, cwd: dir });
    const psql = async (database: string, statement: string): Promise<string> => {
      const { stdout } = await run(
        path.join(bin, 'psql'),
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement],
        { maxBuffer: 256 * 1024 * 1024 },
      );
      return stdout.trim();
    };
    await waitUntilReady(postmaster, () => psql('postgres', 'select 1'));
    await psql('postgres', `create database ${PEER_DATABASE}`);
    await psql('postgres', 'create extension pg_stat_statements');
    const running = postmaster;
    const peerStatements = `from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = '${PEER_DATABASE}'`;
    return {
      mode,
      port,
      peerUrl: `postgres://postgres@127.0.0.1:${port}/${PEER_DATABASE}?sslmode=disable`,
      sql: (statement) => psql(PEER_DATABASE, statement),
      statementCount: async () => Number(await psql('postgres', `select coalesce(sum(s.calls), 0) ${peerStatements}`)),
      resetStatements: async () => {
        await psql('postgres', 'select pg_stat_statements_reset()');
      },
      cpuMs: () => clusterCpuMs(running.pid),
      stop: async () => {
        await running.kill('SIGINT', 20_000);
        removeDir();
        process.removeListener('exit', removeDir);
      },
    };
  } catch (error) {
    await postmaster?.kill('SIGINT', 5_000);
    removeDir();
    process.removeListener('exit', removeDir);
    throw error;
  }
}

function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server found under ${root}: install Debian's package (apt-get install -y postgresql) or set PG_BIN`);
  return path.join(root, newest, 'bin');
}

/** The system user the cluster runs as when this process is root (PostgreSQL refuses to run as root). */
function systemUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env.PG_USER ?? 'postgres';
  const id = (flag: string): number => {
    const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`running as root needs a system user '${name}' for PostgreSQL (set PG_USER): ${result.stderr.trim()}`);
    return Number(result.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

async function waitUntilReady(postmaster: ManagedProcess, probe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!postmaster.running) throw new Error(`${postmaster.spec.name} exited while starting\n${postmaster.output()}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${postmaster.spec.name} not accepting connections after 30 s: ${String(error)}\n${postmaster.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * CPU of a PostgreSQL cluster in ms: the postmaster's own and reaped children's time (`utime + stime + cutime +
 * cstime`: a backend that exited was reaped by the postmaster) plus each live child's `utime + stime` (Linux /proc).
 */
async function clusterCpuMs(postmasterPid: number): Promise<number> {
  const ticks = (fields: readonly string[], from: number, count: number): number =>
    fields.slice(from, from + count).reduce((sum, f) => sum + Number(f), 0);
  const own = statFields(await readFile(`/proc/${postmasterPid}/stat`, 'utf8'));
  let total = ticks(own, 11, 4);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmasterPid) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    const fields = statFields(stat);
    if (Number(fields[1]) === postmasterPid) total += ticks(fields, 11, 2);
  }
  return (total * 1000) / 100;
}

/** The fields of /proc/<pid>/stat after the command name: [0] is the state, [1] the parent pid, [11] utime. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

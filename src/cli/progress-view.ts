import type { BackfillProgress, BackfillReport } from '../backfill/index.js';
import type { CliIO } from './command.js';
import { plural } from './plural.js';
import { renderTable } from './table.js';

/** How `sync` and `demo` show a backfill: `onProgress`/`onWarning` callbacks and the final summary. */
export interface ProgressView {
  progress(progress: BackfillProgress): void;
  warning(message: string): void;
  summary(report: BackfillReport): void;
}

/**
 * Picks the view for the output: `--json` one JSON object per line, a live bar per type on a TTY (plain ANSI
 * cursor movement, no dependency), otherwise plain lines (one per type every few seconds and when it finishes).
 *
 * ```ts
 * const view = createProgressView(io, { json: false });
 * await backfill({ mirror, onProgress: (p) => view.progress(p), onWarning: (m) => view.warning(m) });
 * ```
 */
export function createProgressView(io: CliIO, options: { json: boolean }): ProgressView {
  if (options.json) return new JsonView(io);
  return io.stdout.isTTY ? new TtyView(io) : new PlainView(io);
}

const keyOf = (p: { type: string; account: string | null }): string => (p.account ? `${p.account} ${p.type}` : p.type);

function describe(p: BackfillProgress): string {
  const rate = `${p.rate.toFixed(0)}/s`;
  const eta = p.eta !== undefined && !p.done ? `, eta ${Math.ceil(p.eta)}s` : '';
  const waiting = p.waitingMs !== undefined ? `, rate-limited: waiting ${(p.waitingMs / 1000).toFixed(1)}s` : '';
  return `${plural(p.objects, 'object')}, ${plural(p.pages, 'page')}, ${rate}${eta}${waiting}`;
}

function summaryTable(report: BackfillReport): string {
  const shown = report.lists.filter((l) => l.objects > 0 || l.outcome !== 'done');
  const empty = report.lists.length - shown.length;
  const rows = shown.map((l) => [l.type, l.account ?? 'platform', l.objects, l.pages, l.seconds.toFixed(1), l.outcome]);
  const events = report.catchUp.map((c) => `catch-up${c.account ? ` ${c.account}` : ''}: ${plural(c.applied, 'event')} applied`);
  const total = report.lists.reduce((sum, l) => sum + l.objects, 0);
  return [
    renderTable(['type', 'account', 'objects', 'pages', 'seconds', 'outcome'], rows),
    ...(empty > 0 ? [`${empty === 1 ? '1 other type listed, empty' : `${empty} other types listed, all empty`}\n`] : []),
    ...events.map((line) => `${line}\n`),
    `${plural(total, 'object')} in ${report.seconds.toFixed(1)}s\n`,
  ].join('');
}

class JsonView implements ProgressView {
  constructor(private readonly io: CliIO) {}

  progress(progress: BackfillProgress): void {
    this.io.stdout.write(`${JSON.stringify({ kind: 'progress', ...progress })}\n`);
  }

  warning(message: string): void {
    this.io.stdout.write(`${JSON.stringify({ kind: 'warning', message })}\n`);
  }

  summary(report: BackfillReport): void {
    this.io.stdout.write(`${JSON.stringify({ kind: 'summary', ...report })}\n`);
  }
}

/** Plain lines: one per type every 2 s while it runs, one when it finishes (empty types stay quiet). */
class PlainView implements ProgressView {
  readonly #printedAt = new Map<string, number>();

  constructor(private readonly io: CliIO) {}

  progress(progress: BackfillProgress): void {
    const key = keyOf(progress);
    const now = Date.now();
    const last = this.#printedAt.get(key);
    if (last === undefined) this.#printedAt.set(key, now);
    const quiet = progress.objects === 0 && progress.done;
    if (quiet || (!progress.done && progress.waitingMs === undefined && now - (last ?? now) < 2000)) return;
    this.#printedAt.set(key, now);
    this.io.stdout.write(`${key}: ${describe(progress)}${progress.done ? ' (done)' : ''}\n`);
  }

  warning(message: string): void {
    this.io.stderr.write(`warning: ${message}\n`);
  }

  summary(report: BackfillReport): void {
    this.io.stdout.write(`\n${summaryTable(report)}`);
  }
}

/**
 * A line cut to fit in a terminal `columns` wide (ending in `…` when cut), so it never wraps: the redraw moves the
 * cursor up one row per line, and a wrapped line would leave its overflow behind as a stale row.
 *
 * ```ts
 * fitToWidth('customer [####] 1200 objects, 12 pages', 20); // 'customer [####] 12…'
 * ```
 */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}

/** Redraws one line per running type in place, each cut to the terminal width; finished types collapse into one counter line. */
class TtyView implements ProgressView {
  readonly #running = new Map<string, BackfillProgress>();
  #finished = 0;
  #finishedObjects = 0;
  #drawnLines = 0;
  #drawnAt = 0;
  #frame = 0;

  constructor(private readonly io: CliIO) {}

  progress(progress: BackfillProgress): void {
    const key = keyOf(progress);
    if (progress.done) {
      this.#running.delete(key);
      this.#finished += 1;
      this.#finishedObjects += progress.objects;
    } else {
      this.#running.set(key, progress);
    }
    if (Date.now() - this.#drawnAt >= 80 || progress.done) this.#draw();
  }

  warning(message: string): void {
    this.#clear();
    this.io.stderr.write(`warning: ${message}\n`);
    this.#draw();
  }

  summary(report: BackfillReport): void {
    this.#clear();
    this.io.stdout.write(summaryTable(report));
  }

  #draw(): void {
    this.#drawnAt = Date.now();
    this.#frame += 1;
    const width = Math.max(...[...this.#running.keys()].map((k) => k.length), 8);
    const lines = [...this.#running.entries()].map(([key, p]) => `${key.padEnd(width)} ${this.#bar(p)} ${describe(p)}`);
    lines.push(`${plural(this.#finished, 'type')} done, ${plural(this.#finishedObjects, 'object')}`);
    this.#clear();
    const columns = this.io.stdout.columns;
    this.io.stdout.write(`${lines.map((line) => fitToWidth(line, columns)).join('\n')}\n`);
    this.#drawnLines = lines.length;
  }

  #bar(p: BackfillProgress): string {
    const size = 20;
    if (p.eta !== undefined && p.rate > 0) {
      const filled = Math.round((p.objects / (p.objects + p.eta * p.rate)) * size);
      return `[${'#'.repeat(filled)}${'.'.repeat(size - filled)}]`;
    }
    const at = this.#frame % size;
    return `[${'.'.repeat(at)}#${'.'.repeat(size - at - 1)}]`;
  }

  #clear(): void {
    if (this.#drawnLines === 0) return;
    this.io.stdout.write(`\x1b[${this.#drawnLines}A\x1b[0J`);
    this.#drawnLines = 0;
  }
}

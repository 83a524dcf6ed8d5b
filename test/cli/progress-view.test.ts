import { PassThrough } from 'node:stream';
import type { BackfillProgress, BackfillReport } from '../../src/backfill/index.js';
import type { CliIO } from '../../src/cli/command.js';
import { createProgressView } from '../../src/cli/progress-view.js';
import { expect } from '../support/chai.js';

/** An in-memory CliIO whose stdout claims to be (or not to be) a terminal. */
function memoryIO(isTTY: boolean): { io: CliIO; output: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY });
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { io: { stdout, stderr, env: {}, cwd: '.', verbose: false }, output: () => text };
}

const page = (objects: number, pages: number, done = false): BackfillProgress => ({ type: 'customer', account: null, objects, pages, rate: 500, done });
const report: BackfillReport = {
  lists: [{ type: 'customer', account: null, objects: 200, pages: 2, seconds: 0.4, outcome: 'done' }],
  catchUp: [],
  seconds: 0.5,
};

describe('createProgressView()', () => {
  it('redraws a live bar per type in place on a TTY', () => {
    const { io, output } = memoryIO(true);
    const view = createProgressView(io, { json: false });
    view.progress(page(100, 1));
    view.progress(page(200, 2, true));
    view.summary(report);
    expect(output()).to.match(/customer\s+\[[.#]+\] 100 objects, 1 pages, 500\/s/);
    expect(output()).to.include('\x1b[');
    expect(output()).to.match(/^customer\s+platform\s+200\s+2\s+0\.4\s+done$/m);
  });

  it('prints plain lines without ANSI codes when stdout is not a terminal', () => {
    const { io, output } = memoryIO(false);
    const view = createProgressView(io, { json: false });
    view.progress(page(100, 1));
    view.progress(page(200, 2, true));
    view.summary(report);
    expect(output()).to.include('customer: 200 objects, 2 pages, 500/s (done)');
    expect(output()).not.to.include('\x1b[');
  });

  it('prints one JSON object per line with --json', () => {
    const { io, output } = memoryIO(true);
    const view = createProgressView(io, { json: true });
    view.progress(page(100, 1));
    view.warning('skipped issuing.card: not enabled');
    view.summary(report);
    const lines = output().trim().split('\n').map((line) => JSON.parse(line) as { kind: string });
    expect(lines.map((l) => l.kind)).to.deep.equal(['progress', 'warning', 'summary']);
  });
});

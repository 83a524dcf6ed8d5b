import { PassThrough } from 'node:stream';
import type { BackfillProgress, BackfillReport } from '../../src/backfill/index.js';
import type { CliIO } from '../../src/cli/command.js';
import { createProgressView, fitToWidth } from '../../src/cli/progress-view.js';
import { expect } from '../support/chai.js';

/** An in-memory CliIO whose stdout claims to be (or not to be) a terminal. */
function memoryIO(isTTY: boolean, columns?: number): { io: CliIO; output: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY, ...(columns === undefined ? {} : { columns }) });
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
    expect(output()).to.match(/customer\s+\[[.#]+\] 100 objects, 1 page, 500\/s/);
    expect(output()).to.include('\x1b[');
    expect(output()).to.match(/^customer\s+platform\s+200\s+2\s+0\.4\s+done$/m);
  });

  it('cuts every live line to the terminal width, so none wraps and leaves a stale row behind', () => {
    const { io, output } = memoryIO(true, 30);
    const view = createProgressView(io, { json: false });
    view.progress({ ...page(1234, 13), type: 'checkout.session', eta: 40 });
    const drawn = output().split('\n').map((line) => line.replace(/\x1b\[\d*[AJ]/g, '')).filter((line) => line !== '');
    expect(drawn).to.have.length(2);
    for (const line of drawn) expect(line.length).to.be.below(30);
    expect(drawn[0]).to.match(/^checkout\.session \[[.#]+…$/);
  });

  it('says 1 object and 1 type, in the singular', () => {
    const { io, output } = memoryIO(true);
    const view = createProgressView(io, { json: false });
    view.progress({ ...page(1, 1), type: 'coupon' });
    view.progress({ ...page(1, 1, true), type: 'coupon' });
    view.summary({ lists: [{ type: 'coupon', account: null, objects: 1, pages: 1, seconds: 0.1, outcome: 'done' }], catchUp: [], seconds: 0.1 });
    expect(output()).to.include('coupon   [');
    expect(output()).to.include('1 object, 1 page, 500/s');
    expect(output()).to.include('1 type done, 1 object\n');
    expect(output()).to.match(/^1 object in 0\.1s$/m);
  });

  it('leaves a line that fits alone and marks a cut one with an ellipsis', () => {
    expect(fitToWidth('customer 12 objects', 80)).to.equal('customer 12 objects');
    expect(fitToWidth('customer [####] 1200 objects, 12 pages', 20)).to.equal('customer [####] 12…');
    expect(fitToWidth('customer 12 objects', undefined)).to.equal('customer 12 objects');
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

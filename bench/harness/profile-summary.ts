/**
 * Prints where a `.cpuprofile` spent its time: self time per function (file:line) and per file, as shares of the
 * sampled total. Usage: `node --import tsx bench/harness/profile-summary.ts <file.cpuprofile> [top=25]`.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[] };
const top = Number(topArg ?? 25);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (hits === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '') || '(native)';
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  byFile.set(where, (byFile.get(where) ?? 0) + hits);
  total += hits;
}
const print = (title: string, table: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [name, hits] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time by function', byFunction);
print('self time by file', byFile);

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

/**
 * Runs every `bench/*.bench.ts` (or only those named on the command line), each exporting
 * `default async () => Record<string, number>`, merges their figures into `bench/results.json` (one flat object,
 * earlier keys kept) and prints them as JSON.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();

const resultsPath = path.join(here, 'results.json');
const results: Record<string, number> = await readFile(resultsPath, 'utf8')
  .then((text) => JSON.parse(text) as Record<string, number>)
  .catch(() => ({}));

for (const file of files) {
  const started = Date.now();
  console.error(`bench: ${file} ...`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: () => Promise<Record<string, number>> };
  const figures = await mod.default();
  Object.assign(results, figures);
  console.error(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.table(figures);
}

await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

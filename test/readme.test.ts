import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from './support/chai.js';
import { withDatabase } from './support/database.js';
import { testMongoUri } from './support/setup.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** The README's first TypeScript block: the usage example a reader copies. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts block');
  return match[1];
}

describe('README usage example', () => {
  it('runs as written against the test database, importing the package by its own name', async () => {
    const file = path.join(root, '.tmp', 'readme-example.ts');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await readmeExample());
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, MONGODB_URI: withDatabase(testMongoUri(), 'stripe_mirror_readme') },
      timeout: 60_000,
    });
    expect(stdout).to.include('ada@example.com');
    expect(stdout).to.include("'plan.tier': 'gold'");
    expect(stdout).to.include("[ 'active' ]");
  });
});

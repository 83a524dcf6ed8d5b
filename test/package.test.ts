import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from './support/chai.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** Every subpath the package exports (from package.json), as an app would import it. */
async function exportedSpecifiers(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** Runs an ES module script in a fresh Node process from the package root (so `stripe-mirror` is the built package). */
async function runScript(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
  return stdout.trim();
}

/** A resolve hook making `@koa/router` unresolvable, as in an app that never installed it. */
const WITHOUT_KOA_ROUTER = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === '@koa/router') throw Object.assign(new Error('@koa/router is not installed'), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}`)}`;

describe('the built package', () => {
  it("registers no model on mongoose's default connection when imported, only once a model is used", async () => {
    const specifiers = await exportedSpecifiers();
    expect(specifiers).to.include.members(['stripe-mirror', 'stripe-mirror/koa', 'stripe-mirror/express', 'stripe-mirror/fastify', 'stripe-mirror/web']);
    const output = await runScript(`
      import mongoose from 'mongoose';
      const loaded = [];
      for (const specifier of ${JSON.stringify(specifiers)}) loaded.push(await import(specifier));
      const afterImport = mongoose.connection.modelNames().length;
      const { Customer, defaultMirror } = loaded[0];
      const modelName = Customer.modelName;
      console.log(JSON.stringify({ afterImport, modelName, afterUse: mongoose.connection.modelNames().length, same: defaultMirror().model('customer') === Customer }));
    `);
    const result = JSON.parse(output) as { afterImport: number; modelName: string; afterUse: number; same: boolean };
    expect(result.afterImport).to.equal(0);
    expect(result.modelName).to.equal('StripeCustomer');
    expect(result.afterUse).to.be.greaterThan(80);
    expect(result.same).to.equal(true);
  });

  it('gives stripe-mirror/koa to an app without @koa/router: the middleware never loads it', async () => {
    const output = await runScript(`
      import { register } from 'node:module';
      register(${JSON.stringify(WITHOUT_KOA_ROUTER)});
      await import('@koa/router').then(() => console.log('hook inactive'), () => {});
      const koa = await import('stripe-mirror/koa');
      console.log(typeof koa.stripeWebhookMiddleware({ secrets: ['whsec_test'] }));
    `);
    expect(output).to.equal('function');
  });

  it('ships no source maps pointing at the unshipped src/', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 60_000 });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = packed!.files.map((file) => file.path);
    expect(files).to.include.members(['dist/index.js', 'dist/express/index.js', 'dist/fastify/index.js', 'dist/web/index.js']);
    expect(files.filter((file) => file.endsWith('.map'))).to.deep.equal([]);
    const entries = await readdir(path.join(root, 'dist'), { recursive: true });
    const scripts = entries.filter((entry) => entry.endsWith('.js'));
    const mapped = [];
    for (const script of scripts) {
      if ((await readFile(path.join(root, 'dist', script), 'utf8')).includes('sourceMappingURL=')) mapped.push(script);
    }
    expect(mapped).to.deep.equal([]);
  });
});

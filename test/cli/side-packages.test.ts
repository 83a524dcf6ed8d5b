import { withDatabase } from '../support/database.js';
import { expect } from '../support/chai.js';
import { testMongoUri } from '../support/setup.js';
import { runCli, startCli } from './support/cli.js';

/**
 * `NODE_OPTIONS` for a CLI process in which the package `name` is not installed, as in an app that installed
 * stripe-mirror alone: a resolve hook answers that package the way Node answers a missing one.
 */
function without(name: string): Record<string, string> {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === ${JSON.stringify(name)}) {
      throw Object.assign(new Error(${JSON.stringify(`Cannot find package '${name}'`)}), { code: 'ERR_MODULE_NOT_FOUND' });
    }
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  return { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(register)}` };
}

describe('stripe-mirror without its side packages', () => {
  it("'mongo' exits 1 naming the package to install", async () => {
    const result = await runCli(['mongo', '--port', '0'], { env: without('@stripe-mirror/embedded-mongo') });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      '`stripe-mirror mongo` needs @stripe-mirror/embedded-mongo, which is not installed: npm install --save-dev @stripe-mirror/embedded-mongo',
    );
  });

  it("'demo' exits 1 naming the testing kit to install", async () => {
    const result = await runCli(['demo'], { env: without('@stripe-mirror/testing') });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      '`stripe-mirror demo` needs @stripe-mirror/testing, which is not installed: npm install --save-dev @stripe-mirror/testing',
    );
  });

  it("'serve' without Koa exits 1 naming what to install, before touching MongoDB", async () => {
    const result = await runCli(['serve', '--port', '0', '--webhook-secret', 'whsec_test'], { env: without('koa') });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('`stripe-mirror serve` needs koa, which is not installed: npm install koa @koa/router');
  });

  it("'serve' without a URI exits 1 naming the package, and serves with --mongo", async () => {
    const env = without('@stripe-mirror/embedded-mongo');
    const missing = await runCli(['serve', '--port', '0', '--webhook-secret', 'whsec_test'], { env });
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('`stripe-mirror serve` without --mongo or MONGODB_URI needs @stripe-mirror/embedded-mongo');

    const uri = withDatabase(testMongoUri(), 'side_packages_serve');
    const cli = startCli(['serve', '--mongo', uri, '--port', '0', '--webhook-secret', 'whsec_test'], { env });
    try {
      const line = await cli.waitForLine(/^listening on http:\/\//);
      const health = await fetch(`${/(http:\/\/\S+)/.exec(line)?.[1] ?? ''}/healthz`);
      expect(health.status).to.equal(200);
    } finally {
      await cli.stop();
    }
  });
});

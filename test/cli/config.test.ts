import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../support/chai.js';
import { withDatabase } from '../support/database.js';
import { testMongoUri } from '../support/setup.js';
import { freePort, runCli } from './support/cli.js';

/** A working directory holding `stripe-mirror.config.json` with `config`. */
function dirWithConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'stripe-mirror-config-'));
  writeFileSync(join(dir, 'stripe-mirror.config.json'), JSON.stringify(config));
  return dir;
}

describe('stripe-mirror configuration', function () {
  this.timeout(30_000);

  it('reads MongoDB from stripe-mirror.config.json when neither flag nor env gives it', async () => {
    const cwd = dirWithConfig({ mongo: withDatabase(testMongoUri(), 'cli_config') });
    const result = await runCli(['status', '--json'], { cwd });
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.have.property('objects');
  });

  it('prefers MONGODB_URI over the config file', async () => {
    const port = await freePort();
    const cwd = dirWithConfig({ mongo: `mongodb://127.0.0.1:${port}/unreachable` });
    const result = await runCli(['status', '--json'], { cwd, env: { MONGODB_URI: withDatabase(testMongoUri(), 'cli_config') } });
    expect(result.code, result.stderr).to.equal(0);
  });

  it('prefers the --mongo flag over MONGODB_URI', async () => {
    const result = await runCli(['status', '--json', '--mongo', withDatabase(testMongoUri(), 'cli_config')], {
      env: { MONGODB_URI: 'not-a-uri' },
    });
    expect(result.code, result.stderr).to.equal(0);
  });

  it('rejects a config file with an unknown setting in one line', async () => {
    const cwd = dirWithConfig({ mongoUri: 'mongodb://127.0.0.1:27017' });
    const result = await runCli(['status'], { cwd });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.match(/^stripe-mirror: .*stripe-mirror\.config\.json has unknown setting\(s\) mongoUri; known: mongo, stripeKey/);
  });
});

import { expect } from '../support/chai.js';
import { freePort, runCli } from './support/cli.js';

/** Failures are one line on stderr: what is wrong and what to do, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).to.have.length(1);
  expect(lines[0]).to.match(/^stripe-mirror: /);
  expect(lines[0]).to.match(pattern);
  expect(stderr).not.to.match(/\n\s+at /);
}

describe('stripe-mirror failures and help', function () {
  this.timeout(30_000);

  it('rejects an unknown flag in one line naming it and pointing at --help, exit 2', async () => {
    const result = await runCli(['status', '--colour']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /--colour.*stripe-mirror status --help/);
  });

  it('names the closest valid flag for a misspelled one, in its own words rather than parseArgs\'s', async () => {
    const result = await runCli(['serve', '--prot', '4343']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /^stripe-mirror: unknown flag --prot \(did you mean --port\?\) \(run 'stripe-mirror serve --help'\)$/);
  });

  it('lists the valid flags when none is close to an unknown one', async () => {
    const result = await runCli(['status', '--frobnicate']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /unknown flag --frobnicate \(the flags are --mongo, --json, --help, --verbose\)/);
  });

  it('says a flag needs a value, and that a switch takes none, exit 2', async () => {
    const missing = await runCli(['status', '--mongo']);
    expect(missing.code).to.equal(2);
    expectOneLine(missing.stderr, /--mongo needs a value: --mongo VALUE/);
    const swallowed = await runCli(['status', '--mongo', '--json']);
    expectOneLine(swallowed.stderr, /--mongo needs a value, but '--json' follows it/);
    const valued = await runCli(['status', '--json=yes']);
    expect(valued.code).to.equal(2);
    expectOneLine(valued.stderr, /--json is a switch and takes no value/);
  });

  it('refuses a malformed --mongo URI as a usage error at once, exit 2, instead of trying to connect', async () => {
    const started = Date.now();
    const result = await runCli(['status', '--mongo', 'notaurl']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /--mongo 'notaurl' is not a MongoDB URI \(invalid scheme.*\); expected e\.g\. mongodb:\/\/127\.0\.0\.1:27017\/stripe_mirror/);
    expect(Date.now() - started).to.be.below(4000);
  });

  it('names MONGODB_URI when the malformed URI came from the environment, hiding its password', async () => {
    const result = await runCli(['serve', '--webhook-secret', 'whsec_x'], { env: { MONGODB_URI: 'mongodb://app:s3cret@db:notaport/x' } });
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /MONGODB_URI 'mongodb:\/\/app:\*\*\*@db:notaport\/x' is not a MongoDB URI/);
    expect(result.stderr).not.to.include('s3cret');
  });

  it('suggests the closest command for a misspelled one', async () => {
    const result = await runCli(['srve']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /unknown command 'srve' \(did you mean 'serve'\?\)/);
  });

  it('rejects an unknown command, exit 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /unknown command 'frobnicate'/);
  });

  it('rejects a bad flag value, exit 2', async () => {
    const result = await runCli(['mongo', '--port', 'abc']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /--port must be a port number/);
  });

  it('says in one line that MongoDB is unreachable and what to do, exit 1', async () => {
    const port = await freePort();
    const result = await runCli(['status', '--mongo', `mongodb://127.0.0.1:${port}/x`]);
    expect(result.code).to.equal(1);
    expectOneLine(result.stderr, new RegExp(`cannot reach MongoDB at mongodb://127\\.0\\.0\\.1:${port}/x .*--mongo URI`));
  });

  it('prints the stack trace of a failure with --verbose', async () => {
    const result = await runCli(['replay', '/nonexistent/events.ndjson', '--verbose']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^stripe-mirror: cannot read \/nonexistent\/events.ndjson/);
    expect(result.stderr).to.match(/\n\s+at /);
  });

  it('asks for a Stripe key when none is configured', async () => {
    const result = await runCli(['sync']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /no Stripe key: pass --stripe-key/);
  });

  it('never prints a key it rejects, only its masked form', async () => {
    const result = await runCli(['sync', '--stripe-key', 'pk_test_publishable_abcd1234']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /pk_test_…1234 is not a secret key/);
    expect(result.stderr).not.to.include('publishable');
  });

  it('asks serve for a webhook secret when none is configured', async () => {
    const result = await runCli(['serve']);
    expect(result.code).to.equal(2);
    expectOneLine(result.stderr, /no webhook signing secret/);
  });

  it("prints usage and options for every command's --help, exit 0", async () => {
    const commands = ['mongo', 'serve', 'sync', 'replay', 'reprocess', 'status', 'demo'];
    const results = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(new RegExp(`Usage: stripe-mirror ${commands[i] ?? ''}`));
      expect(result.stdout).to.include('--verbose');
    });
  });

  it('lists every command on --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).to.equal(0);
    for (const command of ['mongo', 'serve', 'sync', 'replay', 'reprocess', 'status', 'demo']) {
      expect(result.stdout).to.match(new RegExp(`^  ${command} `, 'm'));
    }
  });
});

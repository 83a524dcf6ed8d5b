import { expect } from '../support/chai.js';
import { runCli, type CliResult } from './support/cli.js';

describe('stripe-mirror demo', function () {
  this.timeout(60_000);
  let result: CliResult;

  before(async () => {
    result = await runCli(['demo']);
  });

  it('runs with nothing configured and exits 0', () => {
    expect(result.code, result.stderr).to.equal(0);
  });

  it('backfills the fake account, platform and Connect, and prints the summary', () => {
    expect(result.stdout).to.match(/^customer\s+platform\s+8\s/m);
    expect(result.stdout).to.match(/^customer\s+acct_\w+\s+1\s/m);
  });

  it('delivers the signed lifecycle over HTTP and every event is accepted', () => {
    const match = /delivered (\d+) signed events over HTTP: (\d+) accepted/.exec(result.stdout);
    expect(Number(match?.[1])).to.be.greaterThan(5);
    expect(match?.[2]).to.equal(match?.[1]);
  });

  it('prints the mirror as a table of customers with their subscriptions, invoices and charges', () => {
    expect(result.stdout).to.match(/^customer\s+name\s+account\s+subscriptions\s+invoices\s+charges$/m);
    expect(result.stdout).to.match(/^cus_\w+\s+Rosalind Franklin\s+platform\s+canceled\s+1 paid\s+1 charge: \$29\.00 \(\$29\.00 refunded\)$/m);
  });
});

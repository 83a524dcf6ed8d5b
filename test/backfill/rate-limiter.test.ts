import { TokenBucket } from '../../src/backfill/index.js';
import { expect } from '../support/chai.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces callers at the configured rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 4 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, () => bucket.take()));
    expect(Date.now() - started).to.be.below(250);
    await Promise.all(Array.from({ length: 10 }, () => bucket.take()));
    expect(Date.now() - started).to.be.within(450, 3000);
  });

  it('holds every caller back during pauseFor', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1000 });
    bucket.pauseFor(300);
    const started = Date.now();
    await Promise.all([bucket.take(), bucket.take()]);
    expect(Date.now() - started).to.be.at.least(290);
  });
});

import { TokenBucket } from '../../src/backfill/index.js';
import { expect } from '../support/chai.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces callers at the configured rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 4 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, () => bucket.take()));
    const burstMs = Date.now() - started;
    await Promise.all(Array.from({ length: 10 }, () => bucket.take()));
    const pacedMs = Date.now() - started - burstMs;
    expect(pacedMs).to.be.at.least(450);
    expect(burstMs).to.be.below(pacedMs / 4);
  });

  it('holds every caller back during pauseFor', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1000 });
    bucket.pauseFor(300);
    const started = Date.now();
    await Promise.all([bucket.take(), bucket.take()]);
    expect(Date.now() - started).to.be.at.least(290);
  });
});

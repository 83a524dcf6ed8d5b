import { describeLoadSuite } from '../reliability/support/suites.js';

describe('load: 2,000 lifecycle events under faults (reduced reliability suite)', () => {
  describeLoadSuite({ customers: 100, concurrency: 64, faultAt: 800, timeoutMs: 120_000 });
});

import { describeLoadSuite } from './support/suites.js';

describe('reliability: 20,000 lifecycle events under faults (npm run test:reliability)', () => {
  describeLoadSuite({ customers: 1_000, concurrency: 64, faultAt: 8_000, timeoutMs: 900_000 });
});

import { describeFuzzSuite } from './support/suites.js';

describe('reliability: webhook fuzzing (npm run test:reliability)', () => {
  describeFuzzSuite({ payloads: 10_000, concurrency: 16, timeoutMs: 900_000 });
});

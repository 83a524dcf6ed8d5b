import { describeFuzzSuite } from '../reliability/support/suites.js';

describe('load: webhook fuzzing (reduced reliability suite)', () => {
  describeFuzzSuite({ payloads: 1_000, concurrency: 16, timeoutMs: 120_000 });
});

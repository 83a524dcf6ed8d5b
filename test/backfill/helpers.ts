import type { FakeStripe } from '../../src/testing/index.js';

/** Query of every GET the fake received on `path`, in order. */
export function listQueries(fake: FakeStripe, path: string): URLSearchParams[] {
  return fake.requests.filter((r) => r.method === 'GET' && r.path === path).map((r) => new URLSearchParams(r.query));
}

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StripeObjectLike } from '../../../src/sync/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/** fixtures3.json's sample object per resource, keyed by resource name (MIT, see test/fixtures/stripe-openapi/LICENSE). */
export function openApiResources(): Record<string, StripeObjectLike> {
  const parsed = JSON.parse(readFileSync(join(FIXTURES, 'stripe-openapi', 'fixtures3.json'), 'utf8')) as {
    resources: Record<string, StripeObjectLike>;
  };
  return parsed.resources;
}

/** Every JSON file of a fixtures folder, parsed, with its file name. */
export function jsonFiles(folder: string): { file: string; data: Record<string, unknown> }[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown> }));
}

/** A deep copy, so a test never mutates shared fixture data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

import { StripeMirrorError } from '../errors.js';

/**
 * Misuse of the testing kit (an unknown object type passed to `fake.generate()`, an object without `id`/`object`
 * given to `fake.insert()`, an unreadable scenario file). Code: `testing_kit_misuse`.
 *
 * ```ts
 * expect(() => fake.insert([{ name: 'no id' }])).to.throw(TestingKitError);
 * ```
 */
export class TestingKitError extends StripeMirrorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('testing_kit_misuse', message, options);
  }
}

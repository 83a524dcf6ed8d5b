/**
 * Misuse of the testing kit (an unknown object type passed to `fake.generate()`, an object without `id`/`object`
 * given to `fake.insert()`, an unreadable scenario file), the kit's one error. `code` is stable
 * (`testing_kit_misuse`), so a test can tell the kit's misuse from the failure it expects of the code under test.
 *
 * ```ts
 * expect(() => fake.insert([{ name: 'no id' }])).to.throw(TestingKitError);
 * ```
 */
export class TestingKitError extends Error {
  readonly code = 'testing_kit_misuse';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Lets at most `limit` tasks run at once; waiting tasks start in the order they asked, those asking `first` before
 * the others. A sliced list's slices ask `first`, so the biggest list (the one that decides how long a backfill takes)
 * gets every free slot before the types still queued.
 *
 * ```ts
 * const gate = new Gate(4);
 * await Promise.all(types.map((type) => gate.run(() => list(type))));
 * ```
 */
export class Gate {
  #free: number;
  readonly #first: (() => void)[] = [];
  readonly #rest: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async run<T>(task: () => Promise<T>, options: { first?: boolean } = {}): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => (options.first ? this.#first : this.#rest).push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#first.shift() ?? this.#rest.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}

/**
 * Group commit: callers add items and each waits until a write covering its item is confirmed, but only one write is
 * in flight at a time, and every item added meanwhile goes into the next one. Alone, an item is written at once (no
 * delay, one round trip as before); under load, N concurrent items cost far fewer than N round trips, which is what
 * lets the database and the driver keep up with many concurrent deliveries.
 *
 * ```ts
 * const marks = new GroupCommit<string>((ids) => markAllDone(ids)); // one write for the whole batch
 * await marks.add('evt_1'); // resolves once the write that included evt_1 is confirmed; rejects if it failed
 * ```
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<unknown>;
  #queued: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #writing = false;

  constructor(write: (items: T[]) => Promise<unknown>) {
    this.#write = write;
  }

  /** Resolves once a write including `item` is confirmed; rejects with that write's error. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Writes queued items, one batch at a time, until none are left. Never rejects: each batch settles its callers. */
  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#queued.length > 0) {
      const batch = this.#queued;
      this.#queued = [];
      try {
        await this.#write(batch.map((queued) => queued.item));
        for (const queued of batch) queued.resolve();
      } catch (err) {
        for (const queued of batch) queued.reject(err);
      }
    }
    this.#writing = false;
  }
}

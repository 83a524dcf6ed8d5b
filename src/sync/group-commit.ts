/**
 * Group commit: callers add items and each waits until a write covering its item is confirmed, but only one write is
 * in flight at a time, and every item added meanwhile goes into the next one. Alone, an item is written at once (no
 * delay, one round trip as before); under load, N concurrent items cost far fewer than N round trips, which is what
 * lets the database and the driver keep up with many concurrent deliveries.
 *
 * The write settles each item on its own (one `PromiseSettledResult` per item, in order), so one item's failure can be
 * that caller's alone; a write that rejects or throws fails every caller of its batch.
 *
 * ```ts
 * const marks = new GroupCommit<string>(async (ids) => { await markAllDone(ids); return ids.map(fulfilled); });
 * await marks.add('evt_1'); // resolves once the write that included evt_1 is confirmed; rejects if it failed
 * ```
 */
export class GroupCommit<T, R = void> {
  readonly #write: (items: T[]) => Promise<readonly PromiseSettledResult<R>[]>;
  #queued: { item: T; resolve: (value: R) => void; reject: (err: unknown) => void }[] = [];
  #writing = false;

  constructor(write: (items: T[]) => Promise<readonly PromiseSettledResult<R>[]>) {
    this.#write = write;
  }

  /** Resolves with `item`'s result once a write including it is confirmed; rejects with that item's or write's error. */
  add(item: T): Promise<R> {
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
        const results = await this.#write(batch.map((queued) => queued.item));
        batch.forEach((queued, index) => settle(queued, results[index]));
      } catch (err) {
        for (const queued of batch) queued.reject(err);
      }
    }
    this.#writing = false;
  }
}

/** A successful item result, for writes whose items all succeed or fail together. */
export function fulfilled(): PromiseFulfilledResult<void> {
  return { status: 'fulfilled', value: undefined };
}

function settle<R>(
  caller: { resolve: (value: R) => void; reject: (err: unknown) => void },
  result: PromiseSettledResult<R> | undefined,
): void {
  if (result === undefined) caller.reject(new Error('group commit: the write returned no result for this item'));
  else if (result.status === 'fulfilled') caller.resolve(result.value);
  else caller.reject(result.reason);
}

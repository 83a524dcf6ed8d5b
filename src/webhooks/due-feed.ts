/**
 * Hands the queue worker's slots one due event id at a time from batches fetched with a single query, so a backlog
 * costs one query per batch instead of one collection scan per event. Slots that find the buffer empty share one
 * refill; an empty refill (nothing due) answers `undefined` and a failed one rejects, and the slot sleeps until the
 * next poll either way.
 *
 * ```ts
 * const feed = new DueEventFeed(() => log.findDueIds(32));
 * const id = await feed.next(); // undefined: nothing due right now
 * ```
 */
export class DueEventFeed {
  readonly #fetch: () => Promise<readonly string[]>;
  #ids: string[] = [];
  #refill: Promise<boolean> | undefined;

  constructor(fetch: () => Promise<readonly string[]>) {
    this.#fetch = fetch;
  }

  /** The next candidate id, or `undefined` when the last refill found nothing due. Rejects when the refill failed. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const id = this.#ids.shift();
      if (id !== undefined) return id;
      this.#refill ??= this.#load().finally(() => {
        this.#refill = undefined;
      });
      if (!(await this.#refill)) return undefined;
    }
  }

  async #load(): Promise<boolean> {
    const ids = await this.#fetch();
    this.#ids.push(...ids);
    return ids.length > 0;
  }
}

/**
 * What `onProgress` receives after every page (and while waiting out a 429): enough for a progress bar per type.
 *
 * ```ts
 * backfill({ mirror, onProgress: (p) => console.log(`${p.type}: ${p.objects} objects, ${p.rate.toFixed(0)}/s`) });
 * ```
 */
export interface BackfillProgress {
  /** Object type being listed, or `'event'` during catch-up. */
  readonly type: string;
  /** Connect account, null for the platform. */
  readonly account: string | null;
  /** Objects written so far for this (account, type), including those of a resumed earlier run. */
  readonly objects: number;
  readonly pages: number;
  /** Objects per second in this run. */
  readonly rate: number;
  /** Seconds left, when the endpoint reports a total. */
  readonly eta?: number;
  /** Milliseconds the backfill is waiting because Stripe answered 429. */
  readonly waitingMs?: number;
  readonly done: boolean;
}

/**
 * Counts of one (account, type) list and the derived rate and ETA.
 *
 * ```ts
 * const tracker = new ProgressTracker('customer', null, { objects: 0, pages: 0 });
 * tracker.addPage(100, undefined); // -> BackfillProgress
 * ```
 */
export class ProgressTracker {
  readonly type: string;
  readonly account: string | null;
  objects: number;
  pages: number;
  #startedAt = Date.now();
  #begun = false;
  readonly #objectsAtStart: number;
  #total: number | undefined;

  constructor(type: string, account: string | null, resumed: { objects: number; pages: number }) {
    this.type = type;
    this.account = account;
    this.objects = resumed.objects;
    this.pages = resumed.pages;
    this.#objectsAtStart = resumed.objects;
  }

  /**
   * Restarts the clock the first time it is called, when the list (or its first slice) gets a free slot: time spent
   * queued behind other lists would make the rate look low. Later calls (the other slices) change nothing.
   */
  begin(): void {
    if (this.#begun) return;
    this.#begun = true;
    this.#startedAt = Date.now();
  }

  /** Seconds since this list started in this run. */
  get seconds(): number {
    return (Date.now() - this.#startedAt) / 1000;
  }

  /** Records a written page and returns the progress to report. */
  addPage(objects: number, total: number | undefined): BackfillProgress {
    this.objects += objects;
    this.pages += 1;
    this.#total = total ?? this.#total;
    return this.snapshot(false);
  }

  /** The progress now; `waitingMs` when a 429 is being waited out. */
  snapshot(done: boolean, waitingMs?: number): BackfillProgress {
    const elapsed = Math.max(this.seconds, 0.001);
    const rate = (this.objects - this.#objectsAtStart) / elapsed;
    const left = this.#total === undefined ? undefined : Math.max(0, this.#total - this.objects);
    return {
      type: this.type,
      account: this.account,
      objects: this.objects,
      pages: this.pages,
      rate,
      ...(left !== undefined && rate > 0 ? { eta: done ? 0 : left / rate } : {}),
      ...(waitingMs !== undefined ? { waitingMs } : {}),
      done,
    };
  }
}

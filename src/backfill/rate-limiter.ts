/**
 * A token bucket shared by every request of a backfill, so concurrent types together stay below Stripe's read limit
 * (100 requests/s live, 25 in test mode). `pauseFor` holds every caller back after a 429, since one rate-limited
 * request means the whole key is being limited.
 *
 * ```ts
 * const bucket = new TokenBucket({ ratePerSecond: 25 });
 * await bucket.take();   // resolves when a request may be sent
 * ```
 */
export class TokenBucket {
  #rate: number;
  #capacity: number;
  #tokens: number;
  #refilledAt = Date.now();
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: { ratePerSecond: number; burst?: number }) {
    this.#rate = options.ratePerSecond;
    this.#capacity = options.burst ?? Math.max(1, Math.ceil(options.ratePerSecond / 5));
    this.#tokens = this.#capacity;
  }

  /** Requests per second currently allowed. */
  get ratePerSecond(): number {
    return this.#rate;
  }

  /** Changes the rate (for example once the key turns out to be a live key). */
  setRate(ratePerSecond: number): void {
    this.#refill();
    this.#rate = ratePerSecond;
    this.#capacity = Math.max(1, Math.ceil(ratePerSecond / 5));
    this.#tokens = Math.min(this.#tokens, this.#capacity);
  }

  /** Holds every caller back for `ms` milliseconds (a 429's `Retry-After`). */
  pauseFor(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
    this.#tokens = 0;
  }

  /** Resolves when one request may be sent; callers are served in order. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForToken());
    this.#queue = turn;
    return turn;
  }

  async #waitForToken(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.#pausedUntil) {
        await sleep(this.#pausedUntil - now);
        this.#refilledAt = Date.now();
        continue;
      }
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.#tokens) / this.#rate) * 1000));
    }
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = now;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

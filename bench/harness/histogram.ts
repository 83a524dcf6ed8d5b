/**
 * Latency recorder: keeps every sample (a load run has at most a few hundred thousand) so percentiles are exact,
 * not bucket approximations. Serialisable summary for passing between processes.
 *
 * ```ts
 * const h = new Histogram(); h.record(3.2); h.record(5.1);
 * h.summary().p99 // -> 5.1 (nearest-rank)
 * ```
 */
export class Histogram {
  private samples = new Float64Array(1024);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  summary(): LatencySummary {
    if (this.size === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.samples.slice(0, this.size).sort();
    const at = (p: number): number => sorted[Math.min(this.size, Math.max(1, Math.ceil((p / 100) * this.size))) - 1] ?? 0;
    let total = 0;
    for (const v of sorted) total += v;
    return { count: this.size, mean: total / this.size, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
  }
}

/** Milliseconds, from a {@link Histogram}. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

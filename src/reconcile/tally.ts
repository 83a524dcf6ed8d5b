import type { ReconcileListReport, Verdict, VerdictCounts } from './options.js';

/** The kinds of drift whose ids a report lists. */
type DriftVerdict = 'missing' | 'gone' | 'stale';

/**
 * Counts of one list by verdict, exact, and the first `maxIds` ids of each kind of drift, so a report stays small
 * however far a mirror drifted.
 *
 * ```ts
 * const tally = new Tally(100);
 * tally.add('missing', 'cus_1');
 * tally.summary(); // { missing: 1, gone: 0, …, ids: { missing: ['cus_1'], gone: [], stale: [] }, repaired: 0 }
 * ```
 */
export class Tally {
  readonly #maxIds: number;
  readonly #counts: VerdictCounts = { missing: 0, gone: 0, stale: 0, newer: 0, equal: 0 };
  readonly #ids: Record<DriftVerdict, string[]> = { missing: [], gone: [], stale: [] };
  /** Objects the repair wrote. */
  repaired = 0;

  constructor(maxIds: number) {
    this.#maxIds = maxIds;
  }

  add(verdict: Verdict, id: string): void {
    this.#counts[verdict] += 1;
    if (verdict === 'newer' || verdict === 'equal') return;
    const ids = this.#ids[verdict];
    if (ids.length < this.#maxIds) ids.push(id);
  }

  summary(): Pick<ReconcileListReport, Verdict | 'ids' | 'repaired'> {
    return { ...this.#counts, ids: { missing: [...this.#ids.missing], gone: [...this.#ids.gone], stale: [...this.#ids.stale] }, repaired: this.repaired };
  }
}

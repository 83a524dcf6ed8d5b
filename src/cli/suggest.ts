/**
 * The candidate closest to a mistyped name, for "did you mean" hints: the one it is a prefix of when exactly one
 * is (`--web` -> `webhook-secret`), else the one at the smallest edit distance when that distance is small for its
 * length (a third of it, at least 2), else undefined.
 *
 * ```ts
 * closest('prot', ['port', 'host', 'path']); // 'port'
 * closest('xyz', ['port', 'host']);          // undefined
 * ```
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((candidate) => name.length >= 2 && candidate.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit (`prot` -> `port` is 1). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = distance;
    }
  }
  return at(a.length, b.length);
}

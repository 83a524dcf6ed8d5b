/**
 * The `created` range of one slice of a list: `created[gte]` and `created[lt]`, null for an open end. The first slice
 * is open below (unless `since` bounds the run) and the last open above, so together the slices cover every object,
 * including those created after the bounds were computed.
 */
export interface SliceBounds {
  readonly gte: number | null;
  readonly lt: number | null;
}

/**
 * Cuts `[oldest, newest]` into at most `count` ranges of equal length in seconds, oldest first (fewer when the span
 * has fewer seconds). Returns undefined when fewer than two slices result: such a list is walked whole.
 *
 * ```ts
 * cutSlices({ since: null, oldest: 100, newest: 199, count: 4 });
 * // [{ gte: null, lt: 125 }, { gte: 125, lt: 150 }, { gte: 150, lt: 175 }, { gte: 175, lt: null }]
 * ```
 */
export function cutSlices(range: { since: number | null; oldest: number; newest: number; count: number }): SliceBounds[] | undefined {
  const span = range.newest + 1 - range.oldest;
  const count = Math.min(range.count, span);
  if (count < 2) return undefined;
  const cut = (i: number): number => range.oldest + Math.floor((i * span) / count);
  return Array.from({ length: count }, (_, i) => ({
    gte: i === 0 ? range.since : cut(i),
    lt: i === count - 1 ? null : cut(i + 1),
  }));
}

/**
 * A lower bound of the oldest `created` of a list, from `hasAtOrBefore(t)` probes (one `limit=1` request each). Each
 * round sends `count` probes at once, evenly spaced, and keeps the gap where the answer turns, so a round costs one
 * round trip and narrows the range `count + 1` times. The bound only balances the slices (the first slice is open
 * below), so the search stops once it is within 1/(4·count) of the list's time span: three or four rounds for an
 * account some years old.
 *
 * `knownAtOrBefore` is a `created` an object is known to have (the oldest of the first page).
 */
export async function findOldest(
  hasAtOrBefore: (created: number) => Promise<boolean>,
  range: { knownAtOrBefore: number; newest: number; count: number },
): Promise<number> {
  let low = 0;
  let high = range.knownAtOrBefore;
  while ((high - low) * 4 * range.count > range.newest - high) {
    const from = low;
    const width = high - low;
    const points = Array.from({ length: range.count }, (_, i) => from + Math.floor(((i + 1) * width) / (range.count + 1)));
    const found = await Promise.all(points.map(hasAtOrBefore));
    const turn = found.indexOf(true);
    if (turn === -1) low = (points.at(-1) ?? low) + 1;
    else {
      high = points[turn] ?? high;
      if (turn > 0) low = (points[turn - 1] ?? low) + 1;
    }
  }
  return low;
}

/** The list parameters of a slice: the endpoint's own plus its `created` bounds. */
export function sliceParams(params: Readonly<Record<string, string>>, bounds: SliceBounds): Record<string, string> {
  return {
    ...params,
    ...(bounds.gte === null ? {} : { 'created[gte]': String(bounds.gte) }),
    ...(bounds.lt === null ? {} : { 'created[lt]': String(bounds.lt) }),
  };
}

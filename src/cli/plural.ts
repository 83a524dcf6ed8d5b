/**
 * A count with its noun, singular for exactly one: `plural(1, 'object')` is `1 object`, `plural(3, 'object')` is
 * `3 objects`. Nouns with another plural pass it: `plural(2, 'entry', 'entries')`.
 *
 * ```ts
 * io.stdout.write(`${plural(report.matched, 'event')} reprocessed\n`);
 * ```
 */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

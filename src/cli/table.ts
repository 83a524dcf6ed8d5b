/**
 * Renders rows as a plain-text table with a header rule; numbers are right-aligned. No colours, so it reads the same
 * in a terminal, a log file and a test assertion.
 *
 * ```ts
 * renderTable(['type', 'objects'], [['customer', 120], ['invoice', 45]]);
 * // type      objects
 * // --------  -------
 * // customer      120
 * ```
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => headers.map((_, i) => row[i] ?? ''));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => String(row[i]).length)));
  const numeric = headers.map((_, i) => cells.length > 0 && cells.every((row) => typeof row[i] === 'number'));
  const line = (row: readonly (string | number)[]): string =>
    row
      .map((cell, i) => (numeric[i] ? String(cell).padStart(widths[i] ?? 0) : String(cell).padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** Unix seconds as an ISO-like UTC string without milliseconds, or '-' when absent. */
export function formatTime(seconds: number | null | undefined): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : '-';
}

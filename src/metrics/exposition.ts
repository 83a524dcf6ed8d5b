/** The `Content-Type` of the Prometheus text exposition format 0.0.4, which every Prometheus-compatible scraper reads. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample of a family: its labels, its value, and for histograms the series suffix (`_bucket`, `_sum`, `_count`). */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
  readonly suffix?: '_bucket' | '_sum' | '_count';
}

/** A metric family as the text format writes it: `# HELP`, `# TYPE`, then its samples. Counter names end in `_total`. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly Sample[];
}

/**
 * Writes families in the Prometheus text format 0.0.4: label values and help text escaped as the format says,
 * infinities as `+Inf`/`-Inf`. A family without samples is left out (a scraper reads that as "no data", not 0).
 *
 * ```ts
 * renderExposition([{ name: 'jobs_total', help: 'Jobs run.', type: 'counter', samples: [{ labels: { status: 'ok' }, value: 3 }] }]);
 * // # HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total{status="ok"} 3\n
 * ```
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      lines.push(`${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${renderValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function renderLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function renderValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

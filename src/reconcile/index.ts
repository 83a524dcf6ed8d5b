export { reconcile } from './reconcile.js';
export { compareObject } from './compare.js';
export { RUNS_COLLECTION } from './runs.js';
export type { RunDocument } from './runs.js';
export type { ReconcileListReport, ReconcileOptions, ReconcileProgress, ReconcileReport, Verdict, VerdictCounts } from './options.js';

export { StripeMirrorError } from './errors.js';
export { ERROR_CODES, type ErrorCodeInfo, type StripeMirrorErrorCode } from './error-codes.js';
export * from './models/index.js';
export {
  syncStripeObjects,
  SyncInputError,
  SyncWriteError,
  PROGRESSIONS,
  type CompanionWrite,
  type Progression,
  type StripeObjectLike,
  type SyncContext,
  type SyncEngineOptions,
  type SyncReport,
  type SyncSource,
} from './sync/index.js';
export * from './webhooks/index.js';
export {
  backfill,
  catchUpEvents,
  BackfillError,
  BackfillOptionsError,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillReport,
  type CatchUpOptions,
  type CatchUpReport,
  type ListReport,
} from './backfill/index.js';
export {
  reconcile,
  RUNS_COLLECTION,
  type ReconcileListReport,
  type ReconcileOptions,
  type ReconcileProgress,
  type ReconcileReport,
  type RunDocument,
  type Verdict,
} from './reconcile/index.js';
export * from './metrics/index.js';

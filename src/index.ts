export { StripeMirrorError } from './errors.js';
export { ERROR_CODES, type ErrorCodeInfo, type StripeMirrorErrorCode } from './error-codes.js';
export * from './models/index.js';
export * from './sync/index.js';
export * from './webhooks/index.js';
export * from './backfill/index.js';
export * from './metrics/index.js';

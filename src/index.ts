export { StripeMirrorError } from './errors.js';
export * from './models/index.js';
export * from './sync/index.js';
export * from './webhooks/index.js';
export * from './backfill/index.js';

import type { RejectionReason } from './errors.js';

/**
 * Counters of one webhook handler since it was created: what arrived, what was refused and why (so forged or
 * misrouted traffic shows up without anything being stored), what was applied.
 *
 * ```ts
 * const { rejected } = webhooks.metrics(); if (rejected.signature_mismatch > 0) alert('check STRIPE_WEBHOOK_SECRET');
 * ```
 */
export interface WebhookMetrics {
  received: number;
  processed: number;
  ignored: number;
  /** Verified events that can never apply (see `status: 'invalid'`): recorded with their reason, answered 200. */
  invalid: number;
  queued: number;
  duplicates: number;
  conflicts: number;
  failed: number;
  unavailable: number;
  rejected: Record<RejectionReason, number>;
}

/** Fresh counters, all zero. */
export function emptyMetrics(): WebhookMetrics {
  return {
    received: 0,
    processed: 0,
    ignored: 0,
    invalid: 0,
    queued: 0,
    duplicates: 0,
    conflicts: 0,
    failed: 0,
    unavailable: 0,
    rejected: {
      missing_signature: 0,
      malformed_signature: 0,
      signature_mismatch: 0,
      timestamp_outside_tolerance: 0,
      body_not_json: 0,
      not_an_event: 0,
      unstorable_event: 0,
      body_too_large: 0,
    },
  };
}

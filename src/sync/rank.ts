import type { PlainObject } from './types.js';

/**
 * How an object type progresses: `status` values ranked so that a later state never ranks lower than an earlier
 * one (states that can follow each other both ways share a rank), and `counters`: numeric fields that only grow
 * (refunded amounts, attempt counts). Adding a type is one line in {@link PROGRESSIONS}.
 */
export interface Progression {
  readonly statusField?: string;
  readonly statuses: Readonly<Record<string, number>>;
  readonly counters?: readonly string[];
}

const COUNTER_SPAN = 2 ** 32;

/** Rank of a tombstone: above every progression, so a same-second update can never undo a deletion. */
export const DELETED_RANK = 2 ** 52;

const requiresAction = { requires_payment_method: 1, requires_confirmation: 1, requires_action: 1 } as const;

/**
 * Progressions of the types whose events often share a `created` second. Ties between two versions of an object
 * written with the same watermark are decided by rank; equal ranks apply in delivery order.
 */
export const PROGRESSIONS = {
  subscription: {
    statuses: {
      // `paused` shares `active`'s rank: pause and resume go both ways, so a same-second resume is never stale.
      incomplete: 1, trialing: 2, active: 3, paused: 3, past_due: 4, unpaid: 5, canceled: 6, incomplete_expired: 6,
    },
  },
  invoice: {
    statuses: { draft: 1, open: 2, uncollectible: 3, paid: 4, void: 4 },
    counters: ['attempt_count', 'amount_paid'],
  },
  payment_intent: {
    statuses: { ...requiresAction, processing: 2, requires_capture: 3, succeeded: 4, canceled: 4 },
    counters: ['amount_received'],
  },
  setup_intent: { statuses: { ...requiresAction, processing: 2, succeeded: 3, canceled: 3 } },
  charge: {
    statuses: { pending: 1, succeeded: 2, failed: 2 },
    counters: ['amount_captured', 'amount_refunded'],
  },
  refund: { statuses: { pending: 1, requires_action: 1, succeeded: 2, failed: 2, canceled: 2 } },
  'checkout.session': { statuses: { open: 1, complete: 2, expired: 2 } },
  payout: { statuses: { pending: 1, in_transit: 2, paid: 3, failed: 3, canceled: 3 } },
  dispute: {
    statuses: {
      warning_needs_response: 1, needs_response: 1, warning_under_review: 2, under_review: 2,
      warning_closed: 3, won: 3, lost: 3, prevented: 3,
    },
  },
  quote: { statuses: { draft: 1, open: 2, accepted: 3, canceled: 3 } },
  subscription_schedule: { statuses: { not_started: 1, active: 2, completed: 3, released: 3, canceled: 3 } },
  credit_note: { statuses: { issued: 1, void: 2 } },
  topup: { statuses: { pending: 1, succeeded: 2, failed: 2, canceled: 2, reversed: 3 } },
  'identity.verification_session': { statuses: { requires_input: 1, processing: 2, verified: 3, canceled: 3 } },
} as const satisfies Record<string, Progression>;

const progressions: Readonly<Record<string, Progression>> = PROGRESSIONS;

/**
 * The rank of one version of an object: `statusRank * 2^32 + sum of its counters` (counters capped below 2^32),
 * so the ordering guard compares a single number. Unknown types and statuses rank 0; tombstones rank highest.
 *
 * ```ts
 * rankOf('charge', { status: 'succeeded', amount_captured: 500, amount_refunded: 200 }, false); // 2 * 2^32 + 700
 * ```
 */
export function rankOf(objectType: string, fields: PlainObject, tombstone: boolean): number {
  if (tombstone) return DELETED_RANK;
  const progression = Object.hasOwn(progressions, objectType) ? progressions[objectType] : undefined;
  if (!progression) return 0;
  const status = fields[progression.statusField ?? 'status'];
  const statusRank =
    typeof status === 'string' && Object.hasOwn(progression.statuses, status) ? (progression.statuses[status] ?? 0) : 0;
  let counter = 0;
  for (const name of progression.counters ?? []) {
    const value = fields[name];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) counter += Math.floor(value);
  }
  return statusRank * COUNTER_SPAN + Math.min(counter, COUNTER_SPAN - 1);
}

import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';

/**
 * Options of {@link reconcile}. Only `mirror` is required; the Stripe client defaults to the mirror's own.
 *
 * ```ts
 * await reconcile({ mirror, types: ['customer', 'subscription'], repair: true });
 * ```
 */
export interface ReconcileOptions {
  /** The mirror to check (`createStripeMirror(...)`); the run document is written on its connection. */
  readonly mirror: StripeMirror;
  /** Client to list and retrieve with; default `mirror.stripe()`. */
  readonly stripe?: Stripe;
  /** Object types to compare (`customer`, `invoice`, …); default every type a default backfill lists. */
  readonly types?: readonly string[];
  /** A Connect account to check instead of the platform. */
  readonly account?: string;
  /** The platform and then every connected account Stripe lists (those the mirror saw disconnect are left out). */
  readonly allAccounts?: boolean;
  /** Only objects created at or after this time, on both sides (`created[gte]`, and `created` in the mirror). */
  readonly since?: Date;
  /** Write the fixes through `mirror.sync` (source `reconcile`): missing and stale objects, tombstones for deletes. */
  readonly repair?: boolean;
  /** Requests per second; default 25 (Stripe's test-mode read limit). */
  readonly ratePerSecond?: number;
  /** Lists compared at once (default 4). */
  readonly concurrency?: number;
  /** Ids kept per kind of drift and list in the report and the run document (default 100); the counts are exact. */
  readonly maxIds?: number;
  readonly onProgress?: (progress: ReconcileProgress) => void;
  /** Problems that do not stop the run: an endpoint this account cannot use. */
  readonly onWarning?: (message: string) => void;
}

/** What `onProgress` receives after each page of a list and once the list is done. */
export interface ReconcileProgress {
  readonly type: string;
  readonly account: string | null;
  /** Objects Stripe listed so far. */
  readonly listed: number;
  readonly done: boolean;
}

/**
 * How one object compares:
 * - `missing`: Stripe has it, the mirror does not;
 * - `gone`: the mirror has it (not as a tombstone), Stripe does not: a retrieve answered 404 or a `deleted` stub;
 * - `stale`: both have it, the fields differ and the mirror's watermark is not newer than the fetch;
 * - `newer`: the fields differ but the mirror's version is newer than the fetch (a webhook landed meanwhile): no drift;
 * - `equal`: the same fields.
 */
export type Verdict = 'missing' | 'gone' | 'stale' | 'newer' | 'equal';

/** Counts per verdict. */
export type VerdictCounts = Record<Verdict, number>;

/** Result of one (account, type) list. */
export interface ReconcileListReport extends VerdictCounts {
  readonly type: string;
  readonly account: string | null;
  /** `done`, or `unavailable` when the endpoint refused this account (a default run skips such types). */
  readonly outcome: 'done' | 'unavailable';
  /** Objects Stripe listed. */
  readonly listed: number;
  /** The first `maxIds` ids of each kind of drift, in the order found. */
  readonly ids: { readonly missing: readonly string[]; readonly gone: readonly string[]; readonly stale: readonly string[] };
  /** Objects written by the repair (missing, stale and tombstoned), 0 without `repair`. */
  readonly repaired: number;
  readonly seconds: number;
}

/** What {@link reconcile} found (and repaired); also stored as a run document in `stripe_sync_runs`. */
export interface ReconcileReport {
  /** `_id` of the run document. */
  readonly runId: string;
  readonly repair: boolean;
  /** No missing, gone or stale object in any list (before the repair). */
  readonly clean: boolean;
  readonly totals: VerdictCounts & { readonly repaired: number };
  readonly lists: readonly ReconcileListReport[];
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly seconds: number;
}

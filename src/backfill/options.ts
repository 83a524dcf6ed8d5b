import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import type { CatchUpReport } from './catch-up.js';
import type { BackfillProgress } from './progress.js';

/** Stripe's read limits per second: the backfill stays at them unless told otherwise. */
export const DEFAULT_RATE = { test: 25, live: 100 } as const;

/**
 * Options of {@link backfill}. Only `mirror` is required; the Stripe client defaults to the mirror's own.
 */
export interface BackfillOptions {
  /** Where the objects go (`createStripeMirror(...)`); checkpoints live on its connection. */
  readonly mirror: StripeMirror;
  /** Client to list with; default `mirror.stripe()`. */
  readonly stripe?: Stripe;
  /** Object types to list (`customer`, `invoice`, …); default every listable type. */
  readonly types?: readonly string[];
  /** Only objects created at or after this time (`created[gte]`). */
  readonly since?: Date;
  /** After the lists, apply `/v1/events` after the catch-up checkpoint through the webhook path (see catch-up.ts). */
  readonly catchUp?: boolean;
  /** How far before the newest processed event a first catch-up starts; default 3 days (Stripe's retry period). */
  readonly catchUpLookbackSeconds?: number;
  /** A Connect account to sync instead of the platform. */
  readonly account?: string;
  /** The platform and then every connected account (`/v1/accounts`). */
  readonly allAccounts?: boolean;
  /** Requests per second; default 25, raised to 100 once the data turns out to be live. */
  readonly ratePerSecond?: number;
  /** Lists in flight at once (default 4); a slice counts as one list. */
  readonly concurrency?: number;
  /**
   * Splits each list of more than one page into this many `created` ranges walked at once (default 1: one cursor
   * walk per list), so one big type can use the whole rate limit instead of one request per round trip. Raise
   * `concurrency` with it. An interrupted list resumes with the slicing it started with (see `CheckpointStore`).
   */
  readonly slices?: number;
  /** Ignore checkpoints of an interrupted run and start every type over. */
  readonly restart?: boolean;
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Problems that do not stop the run: an endpoint this account cannot use, an event gap older than 30 days. */
  readonly onWarning?: (message: string) => void;
}

/** Result of one (account, type) list. */
export interface ListReport {
  readonly type: string;
  readonly account: string | null;
  readonly objects: number;
  readonly pages: number;
  readonly seconds: number;
  /** `done` (listed now), `skipped` (finished in the interrupted run being resumed), `unavailable` (endpoint refused). */
  readonly outcome: 'done' | 'skipped' | 'unavailable';
}

/** What {@link backfill} did. */
export interface BackfillReport {
  readonly lists: readonly ListReport[];
  readonly catchUp: readonly CatchUpReport[];
  readonly seconds: number;
}

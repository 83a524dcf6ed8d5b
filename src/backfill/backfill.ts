import { catchUpEvents, type CatchUpReport } from './catch-up.js';
import { BackfillOptionsError } from './errors.js';
import { DEFAULT_RATE, type BackfillOptions, type BackfillReport } from './options.js';
import { TokenBucket } from './rate-limiter.js';
import { Run, type Job } from './run.js';
import { resolveListTargets } from './types.js';
import type { StripeMirror } from '../models/mirror.js';
import { deauthorizedAccounts } from '../webhooks/deauthorize.js';

/**
 * Copies a Stripe account into the mirror through the list APIs: pages are written ten at a time with
 * `mirror.sync(objects, { source: 'backfill', watermark: fetch time })` while the next ten are fetched (memory stays
 * flat, and the API and the database work at the same time), a checkpoint per (account, type) makes a killed run
 * resumable, a shared token bucket keeps below Stripe's limits and 429s are
 * waited out. Webhook data newer than the fetch always wins over it (watermarks), so running this next to live
 * webhooks is safe.
 *
 * ```ts
 * const mirror = createStripeMirror({ connection, stripe });
 * const report = await backfill({ mirror, types: ['customer', 'subscription'], catchUp: true });
 * ```
 */
export async function backfill(options: BackfillOptions): Promise<BackfillReport> {
  const startedAt = Date.now();
  if (options.account && options.allAccounts) {
    throw new BackfillOptionsError('choose either `account` or `allAccounts`, not both');
  }
  const slices = options.slices ?? 1;
  if (!Number.isInteger(slices) || slices < 1) throw new BackfillOptionsError(`\`slices\` must be a whole number >= 1, got ${slices}`);
  const targets = resolveListTargets(options.types);
  const stripe = options.stripe ?? options.mirror.stripe();
  const bucket = new TokenBucket({ ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE.test });
  const since = options.since ? Math.floor(options.since.getTime() / 1000) : null;
  const run = new Run(options, stripe, bucket, { since, slices });
  const accounts = options.allAccounts ? [null, ...(await connectedAccounts(run, options.mirror))] : [options.account ?? null];
  const pairs = accounts.flatMap((account) => targets.map((target) => ({ account, type: target.type, target })));
  const plan = await run.store.plan(pairs, { since, restart: options.restart === true });
  const jobs = pairs.flatMap(({ account, target }, i): Job[] => {
    const start = plan[i];
    return start ? [{ target, account, start }] : [];
  });
  const lists = await run.runJobs(jobs, Math.max(1, options.concurrency ?? 4));
  const catchUp: CatchUpReport[] = [];
  if (options.catchUp) {
    for (const account of accounts) {
      catchUp.push(
        await catchUpEvents({
          mirror: options.mirror, stripe, bucket, account, lookbackSeconds: options.catchUpLookbackSeconds,
          onProgress: options.onProgress, onWarning: options.onWarning,
        }),
      );
    }
  }
  return { lists, catchUp, seconds: (Date.now() - startedAt) / 1000 };
}

/** The connected accounts Stripe lists, without those the mirror saw disconnect (`account.application.deauthorized`). */
async function connectedAccounts(run: Run, mirror: StripeMirror): Promise<string[]> {
  const listed = await run.listConnectedAccounts();
  const deauthorized = await deauthorizedAccounts(mirror);
  return listed.filter((account) => !deauthorized.has(account));
}

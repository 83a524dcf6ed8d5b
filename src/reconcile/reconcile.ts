import type Stripe from 'stripe';
import { BackfillOptionsError } from '../backfill/errors.js';
import { Gate } from '../backfill/gate.js';
import { listPages } from '../backfill/list-pages.js';
import { DEFAULT_RATE } from '../backfill/options.js';
import { TokenBucket } from '../backfill/rate-limiter.js';
import { resolveListTargets } from '../backfill/types.js';
import type { StripeMirror } from '../models/mirror.js';
import { deauthorizedAccounts } from '../webhooks/deauthorize.js';
import type { ReconcileListReport, ReconcileOptions, ReconcileReport, Verdict } from './options.js';
import { RunStore } from './runs.js';
import { ListWalk, type WalkSettings } from './walk.js';

const VERDICTS: readonly Verdict[] = ['missing', 'gone', 'stale', 'newer', 'equal'];

/**
 * Proves the mirror equals Stripe, or says exactly where it does not: for every (account, type) list it walks
 * Stripe's list beside the mirror's documents and counts `missing` (in Stripe only), `gone` (in the mirror only,
 * confirmed deleted by a retrieve), `stale` (Stripe's version differs and is newer than the stored one), `newer`
 * (the mirror's version differs but is newer than the fetch: no drift) and `equal` objects, with the ids of the drift
 * (see `ListWalk` for the walks and their memory, `compareObject` for what "differs" means). With `repair`, the fixes
 * go through `mirror.sync` (source `reconcile`, watermark: fetch time): missing and stale objects from the data just
 * fetched, tombstones for confirmed deletes; a webhook newer than the fetch still wins over a repair.
 *
 * Each run is recorded in `stripe_sync_runs` (start, end, counts by list, whether it repaired), which
 * `stripe-mirror status` shows. Reads are paced by the backfill's token bucket and 429s waited out. A run that fails
 * records its failure there and throws; running it again starts over (it writes nothing but fixes).
 *
 * ```ts
 * const report = await reconcile({ mirror, types: ['customer', 'subscription'] });
 * if (!report.clean) await reconcile({ mirror, types: ['customer', 'subscription'], repair: true });
 * ```
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const startedAt = new Date();
  if (options.account && options.allAccounts) throw new BackfillOptionsError('choose either `account` or `allAccounts`, not both');
  const maxIds = options.maxIds ?? 100;
  if (!Number.isInteger(maxIds) || maxIds < 0) throw new BackfillOptionsError(`\`maxIds\` must be a whole number >= 0, got ${maxIds}`);
  const targets = resolveListTargets(options.types);
  const stripe = options.stripe ?? options.mirror.stripe();
  const bucket = new TokenBucket({ ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE.test });
  const since = options.since ? Math.floor(options.since.getTime() / 1000) : null;
  const repair = options.repair === true;
  const accounts = options.allAccounts ? [null, ...(await connectedAccounts(stripe, bucket, options.mirror))] : [options.account ?? null];
  const runs = new RunStore(options.mirror.connection);
  const runId = await runs.start({ repair, accounts, types: targets.map((t) => t.type), since: options.since ?? null });

  let failure: { error: unknown } | undefined;
  const settings: WalkSettings = {
    mirror: options.mirror, stripe, bucket, since, repair, maxIds, onProgress: options.onProgress, stopped: () => failure !== undefined,
  };
  const gate = new Gate(Math.max(1, options.concurrency ?? 4));
  const pairs = accounts.flatMap((account) => targets.map((target) => ({ account, target })));
  const results = await Promise.all(
    pairs.map(({ account, target }) =>
      gate.run(async (): Promise<ReconcileListReport | undefined> => {
        if (failure) return undefined;
        const walk = new ListWalk(settings, target, account);
        try {
          return await walk.run();
        } catch (error) {
          const refusal = endpointRefusal(error);
          if (refusal === undefined || options.types) {
            failure ??= { error };
            return undefined;
          }
          options.onWarning?.(`skipped ${target.type}${account ? ` (${account})` : ''}: ${refusal}`);
          return walk.report('unavailable');
        }
      }),
    ),
  );
  const lists = results.filter((r): r is ReconcileListReport => r !== undefined);
  if (failure) {
    await runs.fail(runId, failure.error, lists);
    throw failure.error;
  }
  const totals = {
    ...(Object.fromEntries(VERDICTS.map((v) => [v, lists.reduce((sum, l) => sum + l[v], 0)])) as Record<Verdict, number>),
    repaired: lists.reduce((sum, l) => sum + l.repaired, 0),
  };
  const endedAt = new Date();
  await runs.finish(runId, { totals, lists, endedAt });
  return {
    runId,
    repair,
    clean: totals.missing + totals.gone + totals.stale === 0,
    totals,
    lists,
    startedAt,
    endedAt,
    seconds: (endedAt.getTime() - startedAt.getTime()) / 1000,
  };
}

/** The connected accounts Stripe lists, without those the mirror saw disconnect. Nothing is written. */
async function connectedAccounts(stripe: Stripe, bucket: TokenBucket, mirror: StripeMirror): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of listPages(stripe, '/v1/accounts', {}, {}, { bucket })) ids.push(...page.data.map((a) => a.id));
  const deauthorized = await deauthorizedAccounts(mirror);
  return ids.filter((id) => !deauthorized.has(id));
}

/** Why an endpoint refused this account (feature not enabled, missing permission, not found), as the backfill reads it. */
function endpointRefusal(err: unknown): string | undefined {
  const { statusCode, message } = (err ?? {}) as { statusCode?: unknown; message?: unknown };
  if (statusCode === 400 || statusCode === 403 || statusCode === 404) return String(message).split('\n')[0];
  return undefined;
}

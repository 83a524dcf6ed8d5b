import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import { catchUpEvents, type CatchUpReport } from './catch-up.js';
import { CheckpointStore, type SliceStart, type StartPoint } from './checkpoints.js';
import { BackfillOptionsError } from './errors.js';
import { Gate } from './gate.js';
import { groupPages, listPages, type ListedObject, type ListPage } from './list-pages.js';
import { ProgressTracker, type BackfillProgress } from './progress.js';
import { TokenBucket } from './rate-limiter.js';
import { readAhead } from './read-ahead.js';
import { stripeGet, type GetOptions, type QueryParams } from './request.js';
import { cutSlices, findOldest, sliceParams, type SliceBounds } from './slices.js';
import { resolveListTargets, type ListTarget } from './types.js';

/** Stripe's read limits per second: the backfill stays at them unless told otherwise. */
export const DEFAULT_RATE = { test: 25, live: 100 } as const;

/**
 * Objects per sync call and per checkpoint: ten pages. Fewer, larger writes cost the database far less per object;
 * a killed run redoes at most this many objects.
 */
const WRITE_BATCH_OBJECTS = 1_000;

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

interface Job {
  readonly target: ListTarget;
  readonly account: string | null;
  readonly start: StartPoint;
}

/** One cursor walk with its own checkpoint: a whole list, or one slice of it. */
interface Walk {
  readonly key: string;
  readonly params: QueryParams;
  readonly startingAfter: string | undefined;
  readonly objects: number;
  readonly pages: number;
}

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
  const accounts = options.allAccounts ? [null, ...(await run.listConnectedAccounts())] : [options.account ?? null];
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

/** State shared by the workers of one backfill run. */
class Run {
  readonly store: CheckpointStore;
  readonly #options: BackfillOptions;
  readonly #stripe: Stripe;
  readonly #bucket: TokenBucket;
  readonly #since: number | null;
  readonly #slices: number;
  #liveChecked = false;
  #failure: { error: unknown } | undefined;

  constructor(options: BackfillOptions, stripe: Stripe, bucket: TokenBucket, lists: { since: number | null; slices: number }) {
    this.#options = options;
    this.#stripe = stripe;
    this.#bucket = bucket;
    this.#since = lists.since;
    this.#slices = lists.slices;
    this.store = new CheckpointStore(options.mirror.connection);
  }

  /** Lists `/v1/accounts` (writing the accounts themselves to the mirror) and returns their ids. */
  async listConnectedAccounts(): Promise<string[]> {
    const ids: string[] = [];
    const tracker = new ProgressTracker('account', null, { objects: 0, pages: 0 });
    let expectNew = true;
    for await (const page of listPages(this.#stripe, '/v1/accounts', {}, {}, { bucket: this.#bucket })) {
      expectNew = await this.#write([page], null, expectNew);
      ids.push(...page.data.map((a) => a.id));
      const progress = tracker.addPage(page.data.length, page.totalCount);
      this.#options.onProgress?.(progress);
    }
    this.#options.onProgress?.(tracker.snapshot(true));
    return ids;
  }

  /** Runs the jobs with at most `concurrency` walks in flight; the first fatal error stops the others after their current write. */
  async runJobs(jobs: readonly Job[], concurrency: number): Promise<ListReport[]> {
    const gate = new Gate(concurrency);
    const reports: ListReport[] = [];
    await Promise.all(
      jobs.map(async (job) => {
        try {
          reports.push(await this.#runJob(job, gate));
        } catch (error) {
          this.#failure ??= { error };
        }
      }),
    );
    if (this.#failure) throw this.#failure.error;
    return reports;
  }

  async #runJob(job: Job, gate: Gate): Promise<ListReport> {
    const { target, account, start } = job;
    const tracker = new ProgressTracker(target.type, account, start);
    const report = (outcome: ListReport['outcome']): ListReport => ({
      type: target.type, account, objects: tracker.objects, pages: tracker.pages, seconds: tracker.seconds, outcome,
    });
    if (start.skip) return report('skipped');
    const counts = () => ({ objects: tracker.objects, pages: tracker.pages });
    let complete: boolean;
    try {
      complete = start.slices ? await this.#walkSlices(job, start.slices, tracker, gate) : await this.#walkList(job, tracker, gate);
    } catch (err) {
      const refusal = endpointRefusal(err);
      if (refusal === undefined || this.#options.types) throw err;
      this.#options.onWarning?.(`skipped ${target.type}${account ? ` (${account})` : ''}: ${refusal}`);
      await this.store.finish(start.key, counts());
      return report('unavailable');
    }
    // Incomplete: stopped because another list failed, its checkpoints left for the next run to resume from.
    if (complete) this.#options.onProgress?.(tracker.snapshot(true));
    return report('done');
  }

  /**
   * Walks a list that has no slices recorded. With `slices` > 1 and nothing written yet, its first page (the one an
   * unsliced walk starts with) decides: a list of one page, or of objects without `created`, is walked on as is;
   * a longer one is cut into slices, listed by {@link #walkSlices}.
   */
  async #walkList(job: Job, tracker: ProgressTracker, gate: Gate): Promise<boolean> {
    const { start, target } = job;
    const walk: Walk = { ...start, params: sliceParams(target.params, { gte: this.#since, lt: null }) };
    const bounds = await gate.run(async (): Promise<boolean | readonly SliceBounds[]> => {
      if (this.#failure) return false;
      tracker.begin();
      const pages = this.#pages(job, walk, tracker);
      if (this.#slices === 1 || start.startingAfter !== undefined) return this.#walk(job, walk, pages, tracker);
      const first = await pages.next();
      const cut = first.done ? undefined : await this.#sliceBounds(job, first.value);
      if (!cut) return this.#walk(job, walk, prepend(first, pages), tracker);
      await pages.return(undefined);
      return cut;
    });
    if (typeof bounds === 'boolean') return bounds;
    const slices = await this.store.startSlices({ key: start.key, account: job.account, type: target.type, since: this.#since }, bounds);
    return this.#walkSlices(job, slices, tracker, gate);
  }

  /**
   * Walks the slices of a list, oldest first, each as its own job through the gate (ahead of other types) with its
   * own checkpoint; the newest slice, open above, starts last and so also lists what was created meanwhile. Waits for
   * every slice before reporting a failure, as other lists do.
   */
  async #walkSlices(job: Job, slices: readonly SliceStart[], tracker: ProgressTracker, gate: Gate): Promise<boolean> {
    const walks = slices.map(async (slice): Promise<boolean> => {
      if (slice.skip) return true;
      return gate.run(
        async () => {
          if (this.#failure) return false;
          tracker.begin();
          const walk: Walk = { ...slice, params: sliceParams(job.target.params, slice.bounds) };
          return this.#walk(job, walk, this.#pages(job, walk, tracker), tracker);
        },
        { first: true },
      );
    });
    const settled = await Promise.allSettled(walks);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (!settled.every((s) => s.status === 'fulfilled' && s.value)) return false;
    await this.store.finish(job.start.key, { objects: tracker.objects, pages: tracker.pages });
    return true;
  }

  /**
   * The bounds of the slices of a list whose first page is `first`, or undefined when it is not worth slicing: one
   * page, objects without `created`, a span shorter than two seconds, or an endpoint that refuses `created` bounds.
   * The newest object is the first page's first; `since`, or rounds of `limit=1` probes (see `findOldest`), the oldest.
   */
  async #sliceBounds(job: Job, first: ListPage): Promise<SliceBounds[] | undefined> {
    const newest = first.data[0]?.created;
    const oldestListed = first.data.at(-1)?.created;
    if (!first.hasMore || typeof newest !== 'number' || typeof oldestListed !== 'number') return undefined;
    const hasAtOrBefore = async (created: number): Promise<boolean> => {
      const params = { ...job.target.params, 'created[lt]': String(created + 1), limit: '1' };
      const page = (await stripeGet(this.#stripe, job.target.listPath, params, this.#getOptions(job))) as { data?: unknown[] };
      return (page.data?.length ?? 0) > 0;
    };
    try {
      const oldest = this.#since ?? (await findOldest(hasAtOrBefore, { knownAtOrBefore: oldestListed, newest, count: this.#slices }));
      return cutSlices({ since: this.#since, oldest, newest, count: this.#slices });
    } catch (err) {
      if (endpointRefusal(err) === undefined) throw err;
      return undefined;
    }
  }

  /** The pages of one walk, fetched one by one through the shared bucket; a 429 being waited out shows in progress. */
  #pages(job: Job, walk: Walk, tracker: ProgressTracker): AsyncGenerator<ListPage> {
    const options = { ...this.#getOptions(job), onRetry: ({ waitMs }: { waitMs: number }) => this.#options.onProgress?.(tracker.snapshot(false, waitMs)) };
    return listPages(this.#stripe, job.target.listPath, walk.params, { startingAfter: walk.startingAfter }, options);
  }

  #getOptions(job: Job): GetOptions {
    return { bucket: this.#bucket, stripeAccount: job.account ?? undefined };
  }

  /**
   * Writes a walk's pages to the mirror and checkpoints them; marks the walk's checkpoint done at the end. Returns
   * false when it stopped early because another list failed.
   */
  async #walk(job: Job, walk: Walk, pages: AsyncIterable<ListPage>, tracker: ProgressTracker): Promise<boolean> {
    let { objects, pages: pageCount } = walk;
    // A group of pages is written while the next group is fetched; its checkpoint is saved while the next group is
    // written. A checkpoint only ever names a group already in the mirror, and each waits for the previous one, so
    // an older checkpoint never overwrites a newer one.
    let checkpoint: Promise<void> = Promise.resolve();
    let expectNew = true;
    try {
      for await (const group of readAhead(groupPages(pages, WRITE_BATCH_OBJECTS))) {
        // Another list failed: stop here and leave this checkpoint for the next run to resume from.
        if (this.#failure) {
          await checkpoint;
          return false;
        }
        expectNew = await this.#write(group, job.account, expectNew);
        const progress = group.map((page) => tracker.addPage(page.data.length, page.totalCount));
        objects += group.reduce((sum, page) => sum + page.data.length, 0);
        pageCount += group.length;
        const lastId = group.flatMap((page) => page.data).at(-1)?.id;
        await checkpoint;
        if (lastId) checkpoint = this.store.advance(walk.key, lastId, objects, pageCount);
        // Awaited before the next advance or the end; handled now so a failure meanwhile is no unhandled rejection.
        checkpoint.catch(() => undefined);
        for (const each of progress) this.#options.onProgress?.(each);
      }
      await checkpoint;
    } catch (err) {
      await checkpoint.catch(() => undefined);
      throw err;
    }
    await this.store.finish(walk.key, { objects, pages: pageCount });
    return true;
  }

  /**
   * Writes pages in one sync call. Their objects share the watermark of the earliest fetch: data is never stamped
   * newer than it is, so a webhook that landed between two fetches still wins over the older of them.
   *
   * `expectNew` sends the objects as plain inserts first (see `SyncContext.expectNew`): far cheaper for the database
   * when the mirror does not hold them yet, one more round trip when it does. Returns whether the next write should
   * expect new objects: whether most of this one were new, so a first backfill inserts and a re-run upserts.
   */
  async #write(pages: readonly ListPage[], account: string | null, expectNew: boolean): Promise<boolean> {
    const objects = pages.flatMap((page) => page.data);
    if (objects.length === 0) return expectNew;
    this.#raiseRateForLiveData(objects);
    const watermark = Math.min(...pages.map((page) => page.fetchedAt));
    const report = await this.#options.mirror.sync(objects, { source: 'backfill', watermark, stripeAccount: account, expectNew });
    return report.upserted * 2 >= report.ids.length;
  }

  /** Live keys may send 100 reads/s; the data says which mode the key is in. */
  #raiseRateForLiveData(objects: readonly ListedObject[]): void {
    if (this.#liveChecked || this.#options.ratePerSecond !== undefined || objects.length === 0) return;
    this.#liveChecked = true;
    if (objects[0]?.livemode === true) this.#bucket.setRate(DEFAULT_RATE.live);
  }
}

/**
 * Why an endpoint refused this account (feature not enabled, missing permission, not found), or undefined for any
 * other error. A default backfill skips such types with a warning instead of failing the whole run.
 */
function endpointRefusal(err: unknown): string | undefined {
  const { statusCode, message } = (err ?? {}) as { statusCode?: unknown; message?: unknown };
  if (statusCode === 400 || statusCode === 403 || statusCode === 404) return String(message).split('\n')[0];
  return undefined;
}

/** `first` (already fetched) followed by the rest of `pages`. */
async function* prepend(first: IteratorResult<ListPage>, pages: AsyncGenerator<ListPage>): AsyncGenerator<ListPage> {
  if (first.done) return;
  yield first.value;
  yield* pages;
}

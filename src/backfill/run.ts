import type Stripe from 'stripe';
import { CheckpointStore, type SliceStart, type StartPoint } from './checkpoints.js';
import { Gate } from './gate.js';
import { groupPages, listPages, type ListedObject, type ListPage } from './list-pages.js';
import { DEFAULT_RATE, type BackfillOptions, type ListReport } from './options.js';
import { ProgressTracker } from './progress.js';
import type { TokenBucket } from './rate-limiter.js';
import { readAhead } from './read-ahead.js';
import { stripeGet, type GetOptions, type QueryParams } from './request.js';
import { cutSlices, findOldest, sliceParams, type SliceBounds } from './slices.js';
import type { ListTarget } from './types.js';

/**
 * Objects per sync call and per checkpoint: ten pages. Fewer, larger writes cost the database far less per object;
 * a killed run redoes at most this many objects.
 */
const WRITE_BATCH_OBJECTS = 1_000;

/** One (account, type) list to walk, from where its checkpoint says. */
export interface Job {
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

/** State shared by the workers of one backfill run. */
export class Run {
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

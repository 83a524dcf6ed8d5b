import type { Connection } from 'mongoose';
import type { SliceBounds } from './slices.js';

/** The collection holding one checkpoint per (account, type), and the catch-up's per account. */
export const CHECKPOINT_COLLECTION = 'stripe_sync_checkpoints';

/** Progress of one (account, type) list, as stored. */
export interface Checkpoint {
  _id: string;
  account: string | null;
  type: string;
  /** `created >=` bound the run used; a different bound starts the type over. */
  since: number | null;
  /** Last id written: a resumed list continues with `starting_after` this id. */
  lastId: string | null;
  done: boolean;
  objects: number;
  pages: number;
  startedAt: Date;
  updatedAt: Date;
  /** A list split into `created` slices: how many. Each slice has its own checkpoint; this one is done with the last. */
  slices?: number;
  /** A slice's checkpoint (`_id` `platform:customer#2/8`): which list it belongs to and its `created` bounds. */
  slice?: SliceInfo;
}

/** Where a slice's checkpoint sits in its list: slice `index` (from 1, oldest first) of `count`. */
export interface SliceInfo extends SliceBounds {
  readonly parent: string;
  readonly index: number;
  readonly count: number;
}

/** The `type` of catch-up checkpoints: plural, so no listable object type (all singular) shares their key. */
const CATCH_UP_TYPE = 'events';

/**
 * A point in an account's `/v1/events` list: just after the event `id`, or, with `id` null, the first event created at
 * `created` or later (where a catch-up starts when it has no event to list after).
 */
export interface EventPosition {
  readonly id: string | null;
  readonly created: number;
}

/**
 * The catch-up's progress through one account's events, as stored (`_id` `platform:events`): the position
 * (`lastId`, `lastCreated`) up to which a catch-up has listed and ingested every event, so the next one lists only
 * after it, whatever webhooks delivered meanwhile.
 */
export interface CatchUpCheckpoint {
  _id: string;
  account: string | null;
  type: typeof CATCH_UP_TYPE;
  /** The newest event ingested with every one before it; null when a catch-up starts at `lastCreated` and has none yet. */
  lastId: string | null;
  lastCreated: number;
  /** False while a catch-up is under way or after one stopped on a failure. */
  done: boolean;
  /** Events listed and pages fetched by the catch-up that wrote this. */
  objects: number;
  pages: number;
  updatedAt: Date;
}

/** Counts of the catch-up that saves a position. */
export interface CatchUpProgress {
  readonly objects: number;
  readonly pages: number;
  readonly done: boolean;
}

/** Where one (account, type) list, or one slice of it, starts in this run. */
export interface StartPoint {
  readonly key: string;
  readonly skip: boolean;
  readonly startingAfter: string | undefined;
  readonly objects: number;
  readonly pages: number;
  /** A resumed sliced list: its slices as recorded, each resuming from its own checkpoint. */
  readonly slices?: readonly SliceStart[];
}

/** Where one slice of a list starts, with its `created` bounds. */
export interface SliceStart extends StartPoint {
  readonly bounds: SliceBounds;
}

/**
 * Checkpoints of a resumable backfill in `stripe_sync_checkpoints`, written after each page lands in the mirror.
 * A run whose checkpoints are not all done was interrupted: the next run skips the finished types and continues the
 * others after their last id. When every checkpoint is done, the next run starts over (a fresh full pass). The same
 * collection holds one catch-up checkpoint per account (`platform:events`), which list runs never read or reset.
 *
 * A sliced list (`slices`) keeps one checkpoint per slice next to its own, and a resumed list keeps the slicing it
 * started with, whatever this run asks: its slices as recorded, or one cursor walk from `lastId` when it was walked
 * whole. Only a list with nothing recorded yet is (re)sliced, so no object is ever skipped.
 *
 * ```ts
 * const store = new CheckpointStore(mirror.connection);
 * const [start] = await store.plan([{ account: null, type: 'customer' }], { since: null, restart: false });
 * ```
 */
export class CheckpointStore {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /** The key of an (account, type) pair: `platform:customer`, `acct_123:charge`. */
  static key(account: string | null, type: string): string {
    return `${account ?? 'platform'}:${type}`;
  }

  /** The key of an account's catch-up checkpoint: `platform:events`, `acct_123:events`. */
  static catchUpKey(account: string | null): string {
    return CheckpointStore.key(account, CATCH_UP_TYPE);
  }

  /** Decides, for each pair (in order), whether to skip it, resume it or start it over, and records the decision. */
  async plan(
    pairs: readonly { account: string | null; type: string }[],
    options: { since: number | null; restart: boolean },
  ): Promise<StartPoint[]> {
    const keys = pairs.map((p) => CheckpointStore.key(p.account, p.type));
    const stored = await this.#collection().find({ _id: { $in: keys } }).toArray();
    const byKey = new Map(stored.map((c) => [c._id, c]));
    const interrupted = !options.restart && stored.some((c) => !c.done && c.since === options.since);
    const slices = await this.#slicesOf(stored.filter((c) => c.slices !== undefined).map((c) => c._id));
    const now = new Date();
    const plan: StartPoint[] = [];
    const fresh: string[] = [];
    for (const { account, type } of pairs) {
      const key = CheckpointStore.key(account, type);
      const previous = byKey.get(key);
      const resumed = interrupted && previous !== undefined && previous.since === options.since ? resumePoint(previous, slices) : undefined;
      if (resumed) {
        plan.push(resumed);
        continue;
      }
      plan.push({ key, skip: false, startingAfter: undefined, objects: 0, pages: 0 });
      fresh.push(key);
      const checkpoint: Checkpoint = {
        _id: key, account, type, since: options.since, lastId: null, done: false, objects: 0, pages: 0, startedAt: now, updatedAt: now,
      };
      await this.#collection().replaceOne({ _id: key }, checkpoint, { upsert: true });
    }
    if (fresh.length > 0) await this.#collection().deleteMany({ 'slice.parent': { $in: fresh } });
    return plan;
  }

  /**
   * Records that a list started in this run, with nothing written yet, is split into `bounds` (oldest first), and
   * returns where each slice starts. The slices' checkpoints are written before the list's `slices` count, so a list
   * that names a count always has its slices.
   */
  async startSlices(
    list: { key: string; account: string | null; type: string; since: number | null },
    bounds: readonly SliceBounds[],
  ): Promise<SliceStart[]> {
    const now = new Date();
    const count = bounds.length;
    const starts = bounds.map((b, i): SliceStart => ({
      key: `${list.key}#${i + 1}/${count}`, skip: false, startingAfter: undefined, objects: 0, pages: 0, bounds: b,
    }));
    const checkpoints = starts.map((start, i): Checkpoint => ({
      _id: start.key, account: list.account, type: list.type, since: list.since, lastId: null, done: false, objects: 0, pages: 0,
      startedAt: now, updatedAt: now, slice: { parent: list.key, index: i + 1, count, ...start.bounds },
    }));
    await this.#collection().deleteMany({ 'slice.parent': list.key });
    await this.#collection().insertMany(checkpoints);
    await this.#collection().updateOne({ _id: list.key }, { $set: { slices: count, updatedAt: now } });
    return starts;
  }

  /** Records a page written to the mirror. */
  async advance(key: string, lastId: string, objects: number, pages: number): Promise<void> {
    await this.#collection().updateOne({ _id: key }, { $set: { lastId, objects, pages, updatedAt: new Date() } });
  }

  /** Marks a list or a slice finished, with its final counts (a sliced list's are its slices' sums). */
  async finish(key: string, counts: { objects: number; pages: number }): Promise<void> {
    await this.#collection().updateOne({ _id: key }, { $set: { done: true, ...counts, updatedAt: new Date() } });
  }

  /** Where the last catch-up of `account` got to, or null when none ran. */
  async catchUpPosition(account: string | null): Promise<EventPosition | null> {
    const saved = await this.#catchUpCollection().findOne({ _id: CheckpointStore.catchUpKey(account) });
    return saved ? { id: saved.lastId, created: saved.lastCreated } : null;
  }

  /** Records how far a catch-up of `account` got; everything before `position` must already be ingested. */
  async saveCatchUp(account: string | null, position: EventPosition, progress: CatchUpProgress): Promise<void> {
    const key = CheckpointStore.catchUpKey(account);
    const checkpoint: CatchUpCheckpoint = {
      _id: key, account, type: CATCH_UP_TYPE, lastId: position.id, lastCreated: position.created, ...progress, updatedAt: new Date(),
    };
    await this.#catchUpCollection().replaceOne({ _id: key }, checkpoint, { upsert: true });
  }

  /** When the earliest stored list run of `account` started (unix seconds), or null when no list ran. */
  async listsStartedAt(account: string | null): Promise<number | null> {
    const [earliest] = await this.#collection()
      .find({ account, type: { $ne: CATCH_UP_TYPE } }, { sort: { startedAt: 1 }, limit: 1, projection: { startedAt: 1 } })
      .toArray();
    return earliest ? Math.floor(earliest.startedAt.getTime() / 1000) : null;
  }

  /** Every stored checkpoint, the lists' and the catch-ups' (for `status`). */
  async all(): Promise<(Checkpoint | CatchUpCheckpoint)[]> {
    return this.#connection.collection<Checkpoint | CatchUpCheckpoint>(CHECKPOINT_COLLECTION).find({}).toArray();
  }

  /** The slice checkpoints of the given lists, by list key. */
  async #slicesOf(parents: readonly string[]): Promise<Map<string, Checkpoint[]>> {
    const bySlice = new Map<string, Checkpoint[]>();
    if (parents.length === 0) return bySlice;
    const slices = await this.#collection().find({ 'slice.parent': { $in: parents } }).toArray();
    for (const slice of slices) {
      const parent = slice.slice?.parent ?? '';
      bySlice.set(parent, [...(bySlice.get(parent) ?? []), slice]);
    }
    return bySlice;
  }

  #collection() {
    return this.#connection.collection<Checkpoint>(CHECKPOINT_COLLECTION);
  }

  #catchUpCollection() {
    return this.#connection.collection<CatchUpCheckpoint>(CHECKPOINT_COLLECTION);
  }
}

/**
 * Where an interrupted list resumes: after its `lastId`, or, when it was sliced, each slice after its own. A sliced
 * list whose slices are not all there (never the case for checkpoints this store wrote) is not resumable.
 */
function resumePoint(previous: Checkpoint, slicesByParent: ReadonlyMap<string, readonly Checkpoint[]>): StartPoint | undefined {
  const base = { key: previous._id, skip: previous.done, startingAfter: previous.lastId ?? undefined, objects: previous.objects, pages: previous.pages };
  if (previous.slices === undefined || previous.done) return base;
  const count = previous.slices;
  const slices = (slicesByParent.get(previous._id) ?? [])
    .filter((c) => c.slice?.count === count)
    .sort((a, b) => (a.slice?.index ?? 0) - (b.slice?.index ?? 0));
  if (slices.length !== count || slices.some((c, i) => c.slice?.index !== i + 1)) return undefined;
  const starts = slices.map((c): SliceStart => ({
    key: c._id, skip: c.done, startingAfter: c.lastId ?? undefined, objects: c.objects, pages: c.pages,
    bounds: { gte: c.slice?.gte ?? null, lt: c.slice?.lt ?? null },
  }));
  const sum = (field: 'objects' | 'pages'): number => starts.reduce((total, s) => total + s[field], 0);
  return { ...base, objects: sum('objects'), pages: sum('pages'), slices: starts };
}

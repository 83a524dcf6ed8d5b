import type { Connection } from 'mongoose';

/** The collection holding one checkpoint per (account, type). */
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
}

/** Where one (account, type) list starts in this run. */
export interface StartPoint {
  readonly key: string;
  readonly skip: boolean;
  readonly startingAfter: string | undefined;
  readonly objects: number;
  readonly pages: number;
}

/**
 * Checkpoints of a resumable backfill in `stripe_sync_checkpoints`, written after each page lands in the mirror.
 * A run whose checkpoints are not all done was interrupted: the next run skips the finished types and continues the
 * others after their last id. When every checkpoint is done, the next run starts over (a fresh full pass).
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

  /** Decides, for each pair (in order), whether to skip it, resume it or start it over, and records the decision. */
  async plan(
    pairs: readonly { account: string | null; type: string }[],
    options: { since: number | null; restart: boolean },
  ): Promise<StartPoint[]> {
    const keys = pairs.map((p) => CheckpointStore.key(p.account, p.type));
    const stored = await this.#collection().find({ _id: { $in: keys } }).toArray();
    const byKey = new Map(stored.map((c) => [c._id, c]));
    const interrupted = !options.restart && stored.some((c) => !c.done && c.since === options.since);
    const now = new Date();
    const plan: StartPoint[] = [];
    for (const { account, type } of pairs) {
      const key = CheckpointStore.key(account, type);
      const previous = byKey.get(key);
      const resumable = interrupted && previous !== undefined && previous.since === options.since;
      if (resumable) {
        plan.push({
          key,
          skip: previous.done,
          startingAfter: previous.lastId ?? undefined,
          objects: previous.objects,
          pages: previous.pages,
        });
        continue;
      }
      plan.push({ key, skip: false, startingAfter: undefined, objects: 0, pages: 0 });
      const fresh: Checkpoint = {
        _id: key, account, type, since: options.since, lastId: null, done: false, objects: 0, pages: 0, startedAt: now, updatedAt: now,
      };
      await this.#collection().replaceOne({ _id: key }, fresh, { upsert: true });
    }
    return plan;
  }

  /** Records a page written to the mirror. */
  async advance(key: string, lastId: string, objects: number, pages: number): Promise<void> {
    await this.#collection().updateOne({ _id: key }, { $set: { lastId, objects, pages, updatedAt: new Date() } });
  }

  /** Marks a pair finished. */
  async finish(key: string): Promise<void> {
    await this.#collection().updateOne({ _id: key }, { $set: { done: true, updatedAt: new Date() } });
  }

  /** Every stored checkpoint (for `status`). */
  async all(): Promise<Checkpoint[]> {
    return this.#collection().find({}).toArray();
  }

  #collection() {
    return this.#connection.collection<Checkpoint>(CHECKPOINT_COLLECTION);
  }
}

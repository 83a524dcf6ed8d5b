import { type Doc, collectPathValues, splitPath } from './paths.js';
import { matches } from './query.js';
import type { Collection, Storage } from './storage.js';

/**
 * The TTL monitor, as mongod's TTLMonitor: every `periodMs` (mongod's `ttlMonitorSleepSecs`, 60 s by default) it
 * deletes, for each index with `expireAfterSeconds` on a single field, the documents whose indexed date (the
 * earliest, for an array of dates) plus `expireAfterSeconds` is past, honouring the index's
 * `partialFilterExpression`. Documents whose field is missing or not a date never expire.
 *
 * ```ts
 * const monitor = new TtlMonitor(storage, 60_000);
 * monitor.start(); // ... monitor.stop();
 * ```
 */
export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly storage: Storage;
  private readonly periodMs: number;

  constructor(storage: Storage, periodMs: number) {
    this.storage = storage;
    this.periodMs = periodMs;
  }

  start(): void {
    this.timer ??= setInterval(() => this.runOnce(Date.now()), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every TTL index: removes what expired at `now` (ms since the epoch); returns how many. */
  runOnce(now: number): number {
    if (this.storage.journal) return 0;
    let removed = 0;
    for (const collections of this.storage.databases.values()) {
      for (const collection of collections.values()) removed += expire(collection, now);
    }
    return removed;
  }
}

function expire(collection: Collection, now: number): number {
  let removed = 0;
  for (const index of collection.indexes) {
    const seconds = index.expireAfterSeconds;
    const fields = Object.keys(index.key);
    if (typeof seconds !== 'number' || fields.length !== 1) continue;
    const parts = splitPath(fields[0] as string);
    const expired: Doc[] = [];
    for (const doc of collection.docs.values()) {
      if (index.partialFilterExpression && !matches(doc, index.partialFilterExpression)) continue;
      const earliest = earliestDate(collectPathValues(doc, parts));
      if (earliest !== undefined && earliest + seconds * 1000 <= now) expired.push(doc);
    }
    for (const doc of expired) collection.remove(doc);
    removed += expired.length;
  }
  return removed;
}

function earliestDate(values: unknown[]): number | undefined {
  let earliest: number | undefined;
  for (const value of values.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
    if (value instanceof Date && (earliest === undefined || value.getTime() < earliest)) earliest = value.getTime();
  }
  return earliest;
}

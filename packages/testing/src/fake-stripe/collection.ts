import type { StripeObjectLike } from './json.js';

/** Bounds on `created` (`created[gte]=…` and friends), all inclusive after normalisation. */
export interface CreatedRange {
  gte?: number;
  lte?: number;
}

/** One list request against a collection, already validated. */
export interface PageQuery {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: CreatedRange;
  filter?: (object: StripeObjectLike) => boolean;
}

export interface Page {
  data: StripeObjectLike[];
  hasMore: boolean;
}

/**
 * The objects of one type in one account, ordered by (`created`, `id`) ascending with an id -> index map, so a page
 * costs O(limit) (plus a binary search for `created` bounds) no matter how many objects there are: the backfill
 * benchmark pages 100,000 objects through this. Lists read it from the end: newest first, as Stripe lists.
 */
export class Collection {
  private items: StripeObjectLike[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  get(id: string): StripeObjectLike | undefined {
    const position = this.index.get(id);
    return position === undefined ? undefined : this.items[position];
  }

  /** All objects, oldest first. */
  all(): readonly StripeObjectLike[] {
    return this.items;
  }

  /** Adds or replaces one object; appending in order (the common case) is O(1). */
  put(object: StripeObjectLike): void {
    const existing = this.index.get(object.id);
    if (existing !== undefined && createdOf(this.items[existing]) === createdOf(object)) {
      this.items[existing] = object;
      return;
    }
    if (existing !== undefined) this.remove(object.id);
    const last = this.items[this.items.length - 1];
    if (last === undefined || compare(last, object) <= 0) {
      this.index.set(object.id, this.items.length);
      this.items.push(object);
      return;
    }
    const position = this.lowerBound((item) => compare(item, object) < 0);
    this.items.splice(position, 0, object);
    this.reindexFrom(position);
  }

  /** Adds many objects with one sort: the bulk path of `insert()` and `generate()`. */
  putMany(objects: readonly StripeObjectLike[]): void {
    for (const object of objects) {
      if (this.index.has(object.id)) this.remove(object.id);
    }
    const appendInOrder = objects.every((object, i) => {
      const previous = i === 0 ? this.items[this.items.length - 1] : objects[i - 1];
      return previous === undefined || compare(previous, object) <= 0;
    });
    this.items.push(...objects);
    if (appendInOrder) {
      this.reindexFrom(this.items.length - objects.length);
      return;
    }
    this.items.sort(compare);
    this.reindexFrom(0);
  }

  remove(id: string): StripeObjectLike | undefined {
    const position = this.index.get(id);
    if (position === undefined) return undefined;
    const [removed] = this.items.splice(position, 1);
    this.index.delete(id);
    this.reindexFrom(position);
    return removed;
  }

  /** Whether `id` is here; list cursors that are not get Stripe's `resource_missing` error. */
  has(id: string): boolean {
    return this.index.has(id);
  }

  /** One page, newest first, with Stripe's cursor semantics. */
  page(query: PageQuery): Page {
    const lowest = query.created?.gte === undefined ? 0 : this.lowerBound((item) => createdOf(item) < (query.created?.gte ?? 0));
    const highest =
      query.created?.lte === undefined ? this.items.length : this.lowerBound((item) => createdOf(item) <= (query.created?.lte ?? 0));
    if (query.endingBefore !== undefined) {
      const cursor = this.index.get(query.endingBefore) ?? -1;
      return this.scanUp(Math.max(cursor + 1, lowest), highest, query);
    }
    const cursor = query.startingAfter === undefined ? undefined : this.index.get(query.startingAfter);
    return this.scanDown(Math.min(cursor ?? highest, highest), lowest, query);
  }

  /** Newest first from just below `start` down to `stop`. */
  private scanDown(start: number, stop: number, query: PageQuery): Page {
    const data: StripeObjectLike[] = [];
    for (let i = start - 1; i >= stop; i -= 1) {
      const item = this.items[i];
      if (item === undefined || (query.filter && !query.filter(item))) continue;
      if (data.length === query.limit) return { data, hasMore: true };
      data.push(item);
    }
    return { data, hasMore: false };
  }

  /** The `limit` objects just newer than the cursor, returned newest first (Stripe's `ending_before`). */
  private scanUp(start: number, stop: number, query: PageQuery): Page {
    const data: StripeObjectLike[] = [];
    let hasMore = false;
    for (let i = start; i < stop; i += 1) {
      const item = this.items[i];
      if (item === undefined || (query.filter && !query.filter(item))) continue;
      if (data.length === query.limit) {
        hasMore = true;
        break;
      }
      data.push(item);
    }
    return { data: data.reverse(), hasMore };
  }

  /** First position whose item fails `before` (items are sorted, so `before` holds for a prefix). */
  private lowerBound(before: (item: StripeObjectLike) => boolean): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const item = this.items[middle];
      if (item !== undefined && before(item)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private reindexFrom(position: number): void {
    for (let i = position; i < this.items.length; i += 1) {
      const item = this.items[i];
      if (item) this.index.set(item.id, i);
    }
  }
}

function createdOf(object: StripeObjectLike | undefined): number {
  const created = object?.created;
  return typeof created === 'number' ? created : 0;
}

function compare(a: StripeObjectLike, b: StripeObjectLike): number {
  const byCreated = createdOf(a) - createdOf(b);
  if (byCreated !== 0) return byCreated;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

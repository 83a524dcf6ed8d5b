import type Stripe from 'stripe';
import { BackfillError } from './errors.js';
import { stripeGet, type GetOptions, type QueryParams } from './request.js';

/** A Stripe object as a list returns it: at least an `id` and its type in `object`. */
export interface ListedObject {
  readonly id: string;
  readonly object: string;
  readonly [field: string]: unknown;
}

/** One page of a list, with the time it was fetched (the watermark of its objects). */
export interface ListPage {
  readonly data: readonly ListedObject[];
  readonly hasMore: boolean;
  /** Unix seconds when the request was sent: API data is as fresh as its fetch. */
  readonly fetchedAt: number;
  /** `total_count` when the endpoint reports one (used for an ETA). */
  readonly totalCount: number | undefined;
}

/** Where a list starts and in which direction it walks. */
export interface ListCursor {
  /** Continue after this id (older objects): resuming a checkpoint. */
  readonly startingAfter?: string | undefined;
  /** Walk towards newer objects, starting just after this id (catching up on events in order). */
  readonly endingBefore?: string | undefined;
}

/**
 * Walks a Stripe list endpoint page by page (`limit: 100`, cursor pagination), fetching a page only when the caller
 * asks for it, so memory stays flat whatever the account size. Wrap it in `readAhead` (read-ahead.ts) to fetch while
 * the caller writes.
 *
 * ```ts
 * for await (const page of listPages(stripe, '/v1/customers', {}, {}, { bucket })) await mirror.sync(page.data);
 * ```
 */
export async function* listPages(
  stripe: Stripe,
  path: string,
  params: QueryParams,
  cursor: ListCursor,
  options: GetOptions,
): AsyncGenerator<ListPage> {
  let { startingAfter, endingBefore } = cursor;
  for (;;) {
    const query: Record<string, string> = { ...params, limit: '100' };
    if (endingBefore) query.ending_before = endingBefore;
    else if (startingAfter) query.starting_after = startingAfter;
    const fetchedAt = Math.floor(Date.now() / 1000);
    const page = toPage(await stripeGet(stripe, path, query, options), path, fetchedAt);
    yield page;
    if (!page.hasMore || page.data.length === 0) return;
    if (endingBefore) endingBefore = page.data[0]?.id;
    else startingAfter = page.data[page.data.length - 1]?.id;
  }
}

/**
 * Groups consecutive pages, whole, until a group holds at least `objects` objects (the last one may hold fewer), so
 * the caller writes fewer, larger batches.
 *
 * ```ts
 * for await (const group of groupPages(listPages(stripe, '/v1/customers', {}, {}, { bucket }), 1000)) await write(group);
 * ```
 */
export async function* groupPages(pages: AsyncIterable<ListPage>, objects: number): AsyncGenerator<ListPage[]> {
  let group: ListPage[] = [];
  let size = 0;
  for await (const page of pages) {
    group.push(page);
    size += page.data.length;
    if (size >= objects) {
      yield group;
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) yield group;
}

function toPage(body: unknown, path: string, fetchedAt: number): ListPage {
  const list = body as { object?: unknown; data?: unknown; has_more?: unknown; total_count?: unknown } | null;
  if (!list || !Array.isArray(list.data) || !list.data.every(isListedObject)) {
    throw new BackfillError(`GET ${path} did not return a Stripe list (expected { object: 'list', data: [{ id, object, … }] })`);
  }
  return {
    data: list.data,
    hasMore: list.has_more === true,
    fetchedAt,
    totalCount: typeof list.total_count === 'number' ? list.total_count : undefined,
  };
}

function isListedObject(value: unknown): value is ListedObject {
  const { id, object } = (value ?? {}) as { id?: unknown; object?: unknown };
  return typeof id === 'string' && typeof object === 'string';
}

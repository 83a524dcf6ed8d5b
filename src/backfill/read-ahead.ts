/**
 * Yields the items of `source`, asking it for the next item as soon as one is handed out, so the source works (an
 * HTTP request) while the consumer handles the current item (a database write). Exactly one item is pulled ahead,
 * so memory stays bounded. When the consumer stops early, the pending pull is let settle (its error dropped) and the
 * source is closed; an error of the source reaches the consumer when it asks for that item.
 *
 * ```ts
 * for await (const page of readAhead(listPages(stripe, '/v1/customers', {}, {}, { bucket }))) await write(page);
 * ```
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = pull(iterator);
  let exhausted = false;
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        exhausted = true;
        return;
      }
      pending = pull(iterator);
      yield result.value;
    }
  } finally {
    if (!exhausted) {
      await pending.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/** The next item, its rejection observed at once so that an abandoned pull is no unhandled rejection. */
function pull<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  const next = iterator.next();
  next.catch(() => undefined);
  return next;
}

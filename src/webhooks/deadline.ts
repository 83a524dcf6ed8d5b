/**
 * `work`'s outcome, or `expired()` thrown once `ms` have passed, whichever comes first; the timer never outlives the
 * race. `work` itself goes on either way (a delivery over its budget, a twin waited for): its later outcome is its
 * owner's to handle.
 *
 * ```ts
 * const result = await withDeadline(pipeline.ingest(event, 'webhook'), 8_000, () => new DeliveryTimeoutError(event.id, 8_000));
 * ```
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(expired()), ms);
  });
  try {
    return await Promise.race([work, spent]);
  } finally {
    clearTimeout(timer);
  }
}

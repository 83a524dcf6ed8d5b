/** Where the pipeline reports what it did. Never receives secrets, signatures or request bodies. */
export interface WebhookLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that takes its fields first, as pino does: `logger.warn({ reason }, 'stripe webhook rejected')`. */
interface FieldsFirstLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * The logger the pipeline calls, from whatever the app passed: console and winston take `(message, fields)` as the
 * pipeline calls them and are used as they are; pino takes `(fields, message)` and would log the message alone, so its
 * calls are turned around. pino is recognised by what every pino logger and child has (`bindings()` and
 * `levels.values`), which winston (also `child` and `levels`) and console lack.
 *
 * ```ts
 * createWebhookHandler({ secrets, logger: pino() }); // {"level":40,"reason":"signature_mismatch","msg":"stripe webhook rejected"}
 * ```
 */
export function adaptLogger(logger: WebhookLogger): WebhookLogger {
  if (!isFieldsFirst(logger)) return logger;
  return {
    info: (message, fields) => (fields ? logger.info(fields, message) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(fields, message) : logger.warn(message)),
    error: (message, fields) => (fields ? logger.error(fields, message) : logger.error(message)),
  };
}

function isFieldsFirst(logger: WebhookLogger): logger is WebhookLogger & FieldsFirstLogger {
  const { bindings, levels } = logger as { bindings?: unknown; levels?: unknown };
  return typeof bindings === 'function' && typeof levels === 'object' && levels !== null && 'values' in levels && 'labels' in levels;
}

import type mongoose from 'mongoose';

/** What `GET /readyz` answers: ready, or why not. */
export interface Readiness {
  readonly ready: boolean;
  /** `writable` when the event log can be written; otherwise what is wrong with the database. */
  readonly mongo?: 'writable' | 'read-only' | 'unreachable' | 'not connected';
  readonly draining?: boolean;
  readonly error?: string;
}

/** How long readiness waits for the database: a probe must answer well within an orchestrator's probe timeout. */
const READINESS_TIMEOUT_MS = 2000;

/**
 * Asks the database itself, with one `hello` (the command drivers use for monitoring, no lock, no disk): ready when
 * it answers within 2 s as a writable primary (or mongos), so event records can be written. The driver's own view
 * (`connection.readyState`) lags a failover and is not a measurement of this instant, so it is not used.
 *
 * ```ts
 * const { ready } = await checkReadiness(mirror.connection); // false on a secondary, or when no server answers
 * ```
 */
export async function checkReadiness(connection: mongoose.Connection): Promise<Readiness> {
  const db = connection.db;
  if (!db) return { ready: false, mongo: 'not connected' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    const hello = await Promise.race([db.command({ hello: 1 }), timeout]);
    const writable = hello.isWritablePrimary === true || hello.msg === 'isdbgrid';
    return writable ? { ready: true, mongo: 'writable' } : { ready: false, mongo: 'read-only' };
  } catch (err) {
    return { ready: false, mongo: 'unreachable', error: err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

import type { Connection } from 'mongoose';
import type Stripe from 'stripe';
import { StripeNotConfiguredError } from './errors.js';

/**
 * Per-connection state the model statics need but mongoose models cannot carry: the Stripe client. Models find it
 * through their own connection (`this.db`), so the same statics serve the default mirror and any
 * `createStripeMirror({ connection })`.
 */
export interface MirrorRuntime {
  stripe: Stripe | undefined;
}

const runtimes = new WeakMap<Connection, MirrorRuntime>();

/** The runtime of a connection, created empty on first use. */
export function runtimeOf(connection: Connection): MirrorRuntime {
  let runtime = runtimes.get(connection);
  if (!runtime) {
    runtime = { stripe: undefined };
    runtimes.set(connection, runtime);
  }
  return runtime;
}

/** The Stripe client configured for a connection's mirror; throws StripeNotConfiguredError when there is none. */
export function stripeClientOf(connection: Connection): Stripe {
  const client = runtimeOf(connection).stripe;
  if (!client) throw new StripeNotConfiguredError();
  return client;
}

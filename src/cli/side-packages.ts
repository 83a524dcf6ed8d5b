import type * as EmbeddedMongoPackage from '@stripe-mirror/embedded-mongo';
import type * as TestingPackage from '@stripe-mirror/testing';
import type * as WebhookServerModule from './webhook-server.js';
import { CliFailure } from './errors.js';

/**
 * The embedded MongoDB server, loaded only by the commands that start one (`mongo`, `demo`, `serve` without a URI):
 * it is a separate package (`@stripe-mirror/embedded-mongo`, an optional peer), so an app that installs stripe-mirror
 * alone runs every other command without it and gets one line saying what to install when it asks for it.
 *
 * ```ts
 * const { startEmbeddedMongo } = await loadEmbeddedMongo('`stripe-mirror mongo`');
 * ```
 */
export function loadEmbeddedMongo(neededBy: string): Promise<typeof EmbeddedMongoPackage> {
  return loadSidePackage('@stripe-mirror/embedded-mongo', neededBy, () => import('@stripe-mirror/embedded-mongo'));
}

/**
 * The testing kit (fake Stripe API, signed delivery, and the embedded MongoDB it re-exports), loaded only by `demo`:
 * a separate package (`@stripe-mirror/testing`, an optional peer) for the same reason as {@link loadEmbeddedMongo}.
 *
 * ```ts
 * const { startFakeStripe } = await loadTestingKit('`stripe-mirror demo`');
 * ```
 */
export function loadTestingKit(neededBy: string): Promise<typeof TestingPackage> {
  return loadSidePackage('@stripe-mirror/testing', neededBy, () => import('@stripe-mirror/testing'));
}

/**
 * The HTTP server of `serve` and `demo`, built on Koa and @koa/router, optional peers of the library (apps that only
 * use the models or another framework need neither): loaded when one of those commands runs, with one line saying what
 * to install when they are missing.
 *
 * ```ts
 * const { startWebhookServer } = await loadWebhookServer('`stripe-mirror serve`');
 * ```
 */
export async function loadWebhookServer(neededBy: string): Promise<typeof WebhookServerModule> {
  try {
    return await import('./webhook-server.js');
  } catch (err) {
    const missing = ['koa', '@koa/router'].find((name) => isMissingPackage(err, name));
    if (missing === undefined) throw err;
    throw new CliFailure('cli_package_missing', `${neededBy} needs ${missing}, which is not installed: npm install koa @koa/router`, { cause: err });
  }
}

async function loadSidePackage<T>(name: string, neededBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!isMissingPackage(err, name)) throw err;
    throw new CliFailure('cli_package_missing', `${neededBy} needs ${name}, which is not installed: npm install --save-dev ${name}`, { cause: err });
  }
}

/** Node's "Cannot find package 'name'" (not a module missing inside an installed package, which is a real fault). */
function isMissingPackage(err: unknown, name: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(`'${name}'`);
}

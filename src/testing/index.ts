/**
 * `stripe-mirror/testing`: the testing kit under the library's name, for apps that import it from here. The kit is
 * its own package, `@stripe-mirror/testing` (an optional peer: `npm install --save-dev @stripe-mirror/testing`),
 * loaded only when an app imports this subpath, so the library itself never depends on it.
 *
 * ```ts
 * import { startFakeStripe, startEmbeddedMongo } from 'stripe-mirror/testing';
 * ```
 */
export * from '@stripe-mirror/testing';

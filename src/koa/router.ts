import { createRequire } from 'node:module';
import type { Router } from '@koa/router';
import { webhookHandlerOf, type WebhookAdapterOptions } from '../webhooks/adapter.js';
import { respondToWebhook } from './respond.js';

/**
 * Options of {@link stripeWebhookRouter}: the webhook options (or a handler created with `createWebhookHandler`, to
 * register hooks and start a worker), plus the route path.
 */
export type StripeWebhookRouterOptions = WebhookAdapterOptions & {
  /** Default `/stripe/webhook`. */
  path?: string;
};

const require = createRequire(import.meta.url);

/**
 * A `@koa/router` Router answering `POST /stripe/webhook` with the framework-free core. It reads the raw body itself
 * (the signature covers the exact bytes), so mount it before any body parser, or use a parser that keeps
 * `ctx.request.rawBody` (koa-bodyparser does).
 *
 * `@koa/router` is an optional peer dependency, loaded when this function is first called rather than when
 * `stripe-mirror/koa` is imported, so an app using only `stripeWebhookMiddleware` needs no router installed.
 *
 * ```ts
 * const router = stripeWebhookRouter({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * app.use(router.routes()).use(router.allowedMethods());
 * ```
 */
export function stripeWebhookRouter(options: StripeWebhookRouterOptions): Router {
  const { Router: KoaRouter } = require('@koa/router') as typeof import('@koa/router');
  const handler = webhookHandlerOf(options);
  const router = new KoaRouter();
  router.post(options.path ?? '/stripe/webhook', (ctx) => respondToWebhook(ctx, handler));
  return router;
}

import type { Middleware } from 'koa';
import { webhookHandlerOf, type WebhookAdapterOptions } from '../webhooks/adapter.js';
import { respondToWebhook } from './respond.js';

/** Where {@link stripeWebhookMiddleware} answers. */
export interface StripeWebhookMiddlewareOptions {
  /** Default `/stripe/webhook`. */
  path?: string;
}

/**
 * Plain Koa middleware answering `POST /stripe/webhook` with the framework-free core and passing every other request
 * on, for apps without `@koa/router` (this file never loads it). Mount it before any body parser, or use one that
 * keeps `ctx.request.rawBody` (koa-bodyparser does):
 *
 * ```ts
 * app.use(stripeWebhookMiddleware({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] }, { path: '/hooks/stripe' }));
 * ```
 */
export function stripeWebhookMiddleware(
  options: WebhookAdapterOptions,
  where: StripeWebhookMiddlewareOptions = {},
): Middleware {
  const handler = webhookHandlerOf(options);
  const path = where.path ?? '/stripe/webhook';
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== path) return next();
    return respondToWebhook(ctx, handler);
  };
}

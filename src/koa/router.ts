import Router from '@koa/router';
import type { Context } from 'koa';
import { WebhookHandler, type WebhookResponse } from '../webhooks/handler.js';
import type { WebhookOptions } from '../webhooks/options.js';
import { readRawBody } from './raw-body.js';

/**
 * Options of {@link stripeWebhookRouter}: the webhook options (or a handler created with `createWebhookHandler`, to
 * register hooks and start a worker), plus the route path.
 */
export type StripeWebhookRouterOptions = (WebhookOptions | { handler: WebhookHandler }) & {
  /** Default `/stripe/webhook`. */
  path?: string;
};

/**
 * A `@koa/router` Router answering `POST /stripe/webhook` with the framework-free core. It reads the raw body itself
 * (the signature covers the exact bytes), so mount it before any body parser, or use a parser that keeps
 * `ctx.request.rawBody` (koa-bodyparser does); a parser that consumed the stream and kept nothing makes every
 * delivery fail with 500 until fixed. Bodies over `maxBodyBytes` get 413.
 *
 * ```ts
 * const router = stripeWebhookRouter({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * app.use(router.routes()).use(router.allowedMethods());
 * ```
 */
export function stripeWebhookRouter(options: StripeWebhookRouterOptions): Router {
  const handler = 'handler' in options ? options.handler : new WebhookHandler(withoutPath(options));
  const router = new Router();
  router.post(options.path ?? '/stripe/webhook', async (ctx) => {
    const response = await respond(ctx, handler);
    ctx.status = response.status;
    ctx.body = response.body;
  });
  return router;
}

async function respond(ctx: Context, handler: WebhookHandler): Promise<WebhookResponse> {
  const kept: unknown = 'rawBody' in ctx.request ? ctx.request.rawBody : undefined;
  const raw = await readRawBody(ctx.req, kept, handler.options.maxBodyBytes);
  if ('consumed' in raw) {
    handler.options.logger.error('stripe webhook body was consumed by a body parser; mount the router before it');
    return {
      status: 500,
      body: { received: false, error: 'webhook_body_consumed', message: 'request body consumed before the webhook router' },
    };
  }
  return handler.handle({ rawBody: raw.body, headers: ctx.headers });
}

function withoutPath(options: WebhookOptions & { path?: string }): WebhookOptions {
  const { path: _path, ...rest } = options;
  return rest;
}

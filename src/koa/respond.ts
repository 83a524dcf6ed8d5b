import type { Context } from 'koa';
import type { WebhookHandler } from '../webhooks/handler.js';
import { readRawBody } from '../webhooks/raw-body.js';

/**
 * Answers one delivery on a Koa context through the core: the body is read from `ctx.req` (or taken from
 * `ctx.request.rawBody`, which koa-bodyparser keeps), and the core's `{ status, body }` becomes the response.
 * Shared by the router and the plain middleware, so both answer exactly alike:
 *
 * ```ts
 * router.post('/stripe/webhook', (ctx) => respondToWebhook(ctx, handler));
 * ```
 */
export async function respondToWebhook(ctx: Context, handler: WebhookHandler): Promise<void> {
  const kept: unknown = 'rawBody' in ctx.request ? ctx.request.rawBody : undefined;
  const { status, body } = await handler.handle({
    headers: ctx.headers,
    rawBody: () => readRawBody(ctx.req, { limit: handler.options.maxBodyBytes, kept }),
  });
  ctx.status = status;
  ctx.body = body;
}

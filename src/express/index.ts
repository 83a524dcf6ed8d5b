import type { IncomingMessage, ServerResponse } from 'node:http';
import { webhookHandlerOf, type WebhookAdapterOptions } from '../webhooks/adapter.js';
import { readRawBody } from '../webhooks/raw-body.js';

export type { WebhookAdapterOptions as StripeWebhookExpressOptions } from '../webhooks/adapter.js';

/**
 * A request handler in Express's `(req, res, next)` shape. It is typed on Node's own request and response, which
 * Express's extend, so it mounts with `app.post` as it is (and works under Connect or a bare `node:http` server).
 */
export type StripeWebhookRequestHandler = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/**
 * An Express handler answering one Stripe delivery with the framework-free core. It reads the raw body itself (the
 * signature covers the exact bytes), or takes the Buffer `express.raw()` left in `req.body`; a JSON parser mounted in
 * front consumes the body without keeping it, which the core answers 500 `webhook_body_consumed` until fixed.
 *
 * ```ts
 * import { stripeWebhookExpress } from 'stripe-mirror/express';
 * app.post('/stripe/webhook', stripeWebhookExpress({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] }));
 * app.use(express.json()); // after it, or on other routes only
 * ```
 */
export function stripeWebhookExpress(options: WebhookAdapterOptions): StripeWebhookRequestHandler {
  const handler = webhookHandlerOf(options);
  return (req, res, next) => {
    handler
      .handle({
        headers: req.headers,
        rawBody: () => readRawBody(req, { limit: handler.options.maxBodyBytes, kept: req.body }),
      })
      .then(({ status, body }) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(body));
      })
      .catch(next);
  };
}

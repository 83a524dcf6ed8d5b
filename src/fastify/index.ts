import type { FastifyPluginAsync } from 'fastify';
import { webhookHandlerOf, type WebhookAdapterOptions } from '../webhooks/adapter.js';
import { readRawBody } from '../webhooks/raw-body.js';

/** Options of {@link stripeWebhookFastify}: the webhook options or a handler, plus the route path. */
export type StripeWebhookFastifyOptions = WebhookAdapterOptions & {
  /** Default `/stripe/webhook`. */
  path?: string;
};

/**
 * A Fastify plugin registering `POST /stripe/webhook`, answered by the framework-free core. Inside its own
 * encapsulated scope it replaces every content-type parser with one that reads nothing, so the route handler reads
 * the exact bytes itself (the signature covers them) under `maxBodyBytes`, and the core answers 413 or any other
 * status; the app's JSON parsing on its other routes is untouched. It is deliberately not wrapped in
 * `fastify-plugin`, which would break that encapsulation and replace the app's parsers.
 *
 * ```ts
 * import { stripeWebhookFastify } from 'stripe-mirror/fastify';
 * await app.register(stripeWebhookFastify, { secrets: [process.env.STRIPE_WEBHOOK_SECRET!], path: '/hooks/stripe' });
 * ```
 */
export const stripeWebhookFastify: FastifyPluginAsync<StripeWebhookFastifyOptions> = async (app, options) => {
  const handler = webhookHandlerOf(options);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.post(options.path ?? '/stripe/webhook', async (request, reply) => {
    const { status, body } = await handler.handle({
      headers: request.headers,
      rawBody: () => readRawBody(request.raw, { limit: handler.options.maxBodyBytes }),
    });
    return reply.code(status).send(body);
  });
};

import { createWebhookHandler, type WebhookHandler } from './handler.js';
import type { WebhookOptions } from './options.js';

/**
 * What every framework adapter takes: the webhook options, or a handler made with `createWebhookHandler` (to
 * register hooks, start a worker or read counters, and to share one pipeline between several doors):
 *
 * ```ts
 * stripeWebhookExpress({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * stripeWebhookExpress({ handler: createWebhookHandler({ secrets }).on('invoice.paid', fulfil) });
 * ```
 */
export type WebhookAdapterOptions = WebhookOptions | { handler: WebhookHandler };

/** The handler an adapter serves: the one given, or one created from the options (once, when the adapter is made). */
export function webhookHandlerOf(options: WebhookAdapterOptions): WebhookHandler {
  return 'handler' in options ? options.handler : createWebhookHandler(options);
}

export { stripeWebhookRouter } from './router.js';
export type { StripeWebhookRouterOptions } from './router.js';
export { stripeWebhookMiddleware } from './middleware.js';
export type { StripeWebhookMiddlewareOptions } from './middleware.js';

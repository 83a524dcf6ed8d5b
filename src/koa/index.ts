export { stripeWebhookRouter } from './router.js';
export type { StripeWebhookRouterOptions } from './router.js';

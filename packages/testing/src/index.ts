/**
 * `@stripe-mirror/testing` (also reachable as `stripe-mirror/testing`): what tests of an app using stripe-mirror need,
 * and what stripe-mirror's own tests use — a fake Stripe API for the real SDK, webhook signing and delivery, event
 * builders and the embedded MongoDB server.
 */
export { startFakeStripe } from './fake-stripe/index.js';
export type { AccountOption, FailRule, FakeStripe, FakeStripeObject, FakeStripeOptions, GeneratedType, InsertableObject, RecordedRequest } from './fake-stripe/index.js';
export { deliverWebhook, signWebhookPayload } from './signing.js';
export type { DeliverOptions, DeliveryResult, SignOptions } from './signing.js';
export { loadScenario, makeEvent } from './events.js';
export type { MakeEventOptions, StripeEventType } from './events.js';
export { TestingKitError } from './errors.js';
export { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';
export type { EmbeddedMongo, EmbeddedMongoOptions } from '@stripe-mirror/embedded-mongo';

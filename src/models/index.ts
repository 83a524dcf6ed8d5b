export * from './default-models.js';
export { createStripeMirror, defaultMirror, configureStripeMirror } from './mirror.js';
export { migrateMirror, needsMigration, type MigrationReport } from './migrate.js';
export type { StripeMirror, StripeMirrorOptions, GeneratedModels, ModelOf } from './mirror.js';
export { stripeObjectPlugin, STRIPE_SCHEMA_OPTIONS, type StripeObjectPluginOptions } from './plugin.js';
export { STRIPE_OBJECTS_COLLECTION } from './base.js';
export { STRIPE_EVENTS_COLLECTION, EVENT_STATUSES } from './event.js';
export type { EventStatus, EventLogFields, StoredEvent, StripeEventModel } from './event.js';
export { OBJECT_TYPES, EVENT_OBJECT_TYPES, STRIPE_OBJECT_TYPES } from './generated/object-types.js';
export type { ObjectTypeInfo, StripeObjectType, StripeObjectTypeMap } from './generated/object-types.js';
export { CUSTOMER_LINKS_COLLECTION, USER_ID_METADATA_KEY } from './customer-link.js';
export {
  StripeApiError,
  StripeNotConfiguredError,
  UnsupportedStripeOperationError,
  MissingPathParameterError,
  InvalidStripeObjectError,
  SubscriptionItemAmbiguousError,
  NoDefaultPaymentMethodError,
} from './errors.js';
export type {
  MirrorBookkeeping,
  MirrorFields,
  Stored,
  StoredStripeObject,
  StripeCallOptions,
  StripeDocument,
  StripeObjectMethods,
  StripeObjectModel,
  StripeObjectStatics,
  ListFromStripeResult,
  Unexpanded,
} from './types.js';
export type {
  CustomerChargeOptions,
  CustomerDocument,
  CustomerModel,
  CustomerMethods,
  CustomerStatics,
  CustomerVirtuals,
  GetOrCreateForUserOptions,
  PaymentIntentDocument,
  SubscribeOptions,
} from './customer.js';
export type { PauseOptions, SubscriptionDocument, SubscriptionModel, SubscriptionMethods, SwapOptions } from './subscription.js';
export type { ChargeDocument, ChargeModel, ChargeMethods, RefundDocument } from './charge.js';
export type { InvoiceDocument, InvoiceModel, InvoiceMethods } from './invoice.js';
export type { PaymentMethodDocument, PaymentMethodModel, PaymentMethodMethods } from './payment-method.js';
export type { AccountDocument, AccountModel, AccountStatics } from './account.js';

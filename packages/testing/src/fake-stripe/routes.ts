import { accountRoutes } from './resources/accounts.js';
import { catalogRoutes } from './resources/catalog.js';
import { chargeRoutes } from './resources/charges.js';
import { checkoutRoutes } from './resources/checkout.js';
import { customerRoutes } from './resources/customers.js';
import { eventRoutes } from './resources/events.js';
import { intentRoutes } from './resources/intents.js';
import { invoiceItemRoutes } from './resources/invoice-items.js';
import { invoicePreviewRoutes } from './resources/invoice-preview.js';
import { invoiceRoutes } from './resources/invoices.js';
import { paymentMethodRoutes } from './resources/payment-methods.js';
import { readOnlyRoutes } from './resources/read-only.js';
import { refundRoutes } from './resources/refunds.js';
import { searchRoutes } from './resources/search.js';
import { subscriptionRoutes } from './resources/subscriptions.js';
import { Router, type Route } from './router.js';

/** Every route of the fake API; `/search` and `create_preview` come first so they are not taken for an id. */
export const ROUTES: readonly Route[] = [
  ...searchRoutes,
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...catalogRoutes,
  ...subscriptionRoutes,
  ...invoicePreviewRoutes,
  ...invoiceRoutes,
  ...invoiceItemRoutes,
  ...chargeRoutes,
  ...refundRoutes,
  ...intentRoutes,
  ...checkoutRoutes,
  ...accountRoutes,
  ...eventRoutes,
  ...readOnlyRoutes,
];

/** A router over {@link ROUTES}. */
export function createRouter(): Router {
  return new Router(ROUTES);
}

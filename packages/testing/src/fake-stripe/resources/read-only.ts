import { resourceRoutes } from '../resource.js';
import type { Route } from '../router.js';

/**
 * List endpoints of Stripe resources the fake has no behaviour for: they serve whatever `fake.insert()` put there
 * (list with cursors and `created` bounds, retrieve, 404 when missing), so backfills and write-through reads of
 * disputes, payouts, transfers, … can be tested. One line per resource.
 */
const READ_ONLY: Record<string, string> = {
  '/v1/application_fees': 'application_fee',
  '/v1/apple_pay/domains': 'apple_pay_domain',
  '/v1/balance_transactions': 'balance_transaction',
  '/v1/billing/alerts': 'billing.alert',
  '/v1/billing/credit_grants': 'billing.credit_grant',
  '/v1/billing/meters': 'billing.meter',
  '/v1/billing_portal/configurations': 'billing_portal.configuration',
  '/v1/climate/orders': 'climate.order',
  '/v1/credit_notes': 'credit_note',
  '/v1/disputes': 'dispute',
  '/v1/entitlements/features': 'entitlements.feature',
  '/v1/file_links': 'file_link',
  '/v1/files': 'file',
  '/v1/identity/verification_sessions': 'identity.verification_session',
  '/v1/invoice_payments': 'invoice_payment',
  '/v1/issuing/authorizations': 'issuing.authorization',
  '/v1/issuing/cardholders': 'issuing.cardholder',
  '/v1/issuing/cards': 'issuing.card',
  '/v1/issuing/disputes': 'issuing.dispute',
  '/v1/issuing/transactions': 'issuing.transaction',
  '/v1/payment_links': 'payment_link',
  '/v1/payment_method_configurations': 'payment_method_configuration',
  '/v1/payment_method_domains': 'payment_method_domain',
  '/v1/payouts': 'payout',
  '/v1/promotion_codes': 'promotion_code',
  '/v1/quotes': 'quote',
  '/v1/radar/early_fraud_warnings': 'radar.early_fraud_warning',
  '/v1/reporting/report_runs': 'reporting.report_run',
  '/v1/reviews': 'review',
  '/v1/shipping_rates': 'shipping_rate',
  '/v1/subscription_schedules': 'subscription_schedule',
  '/v1/tax/registrations': 'tax.registration',
  '/v1/tax_codes': 'tax_code',
  '/v1/tax_ids': 'tax_id',
  '/v1/terminal/locations': 'terminal.location',
  '/v1/terminal/readers': 'terminal.reader',
  '/v1/test_helpers/test_clocks': 'test_helpers.test_clock',
  '/v1/topups': 'topup',
  '/v1/transfers': 'transfer',
  '/v1/webhook_endpoints': 'webhook_endpoint',
};

/** Retrieve and list routes for every {@link READ_ONLY} resource. */
export const readOnlyRoutes: Route[] = Object.entries(READ_ONLY).flatMap(([path, type]) => resourceRoutes({ type, path }));

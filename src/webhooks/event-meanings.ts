import type Stripe from 'stripe';
import type { StripeEventType } from './hooks.js';

/** `*.deleted` event types of the `Stripe.Event` union (15 in stripe 23.x). */
type DeletedEventType = Extract<StripeEventType, `${string}.deleted`>;

/**
 * What an event does to the mirror when that differs from "upsert `data.object`":
 * - `tombstone`: Stripe deleted the object (retrieving it answers 404 or a `deleted: true` stub): the document stays,
 *   marked `deleted: true`, and no later version brings it back.
 * - `state`: despite its name the event is a state change of an object Stripe keeps: upsert it as it is.
 * - `keyed`: the payload has no id; it is stored under the documented key `key(object, event)` (so it stays queryable),
 *   or nothing is stored when the key cannot be formed.
 * - `deauthorize`: a Connect account disconnected the platform: its account document is marked, not deleted.
 */
export type EventMeaning =
  | { readonly kind: 'tombstone'; readonly why: string }
  | { readonly kind: 'state'; readonly why: string }
  | { readonly kind: 'keyed'; readonly why: string; readonly key: (object: Record<string, unknown>) => string | undefined }
  | { readonly kind: 'deauthorize'; readonly why: string };

const deleted = (why: string): EventMeaning => ({ kind: 'tombstone', why });

/**
 * Every `*.deleted` event type (the type makes a missing one fail to compile), decided from Stripe's API reference,
 * and the other event types whose meaning is not "upsert `data.object`". Adding a row is one line.
 */
const DELETED_EVENTS = {
  'account.external_account.deleted': deleted('DELETE /v1/accounts/:id/external_accounts/:id removes the bank account or card'),
  'apps.install.deleted': deleted('the app was uninstalled'),
  'coupon.deleted': deleted('DELETE /v1/coupons/:id; customers who applied it keep their discounts'),
  'customer.deleted': deleted('DELETE /v1/customers/:id'),
  'customer.discount.deleted': deleted('the discount was removed from its customer or subscription'),
  'customer.source.deleted': deleted('the source or card was detached and deleted'),
  'customer.subscription.deleted': {
    kind: 'state',
    why: 'the subscription ended: Stripe keeps it, retrievable, with status canceled (or incomplete_expired)',
  },
  'customer.tax_id.deleted': deleted('DELETE /v1/customers/:id/tax_ids/:id'),
  'invoice.deleted': deleted('a draft invoice was deleted (finalized invoices are voided instead)'),
  'invoiceitem.deleted': deleted('DELETE /v1/invoiceitems/:id'),
  'person.deleted': deleted('DELETE /v1/accounts/:id/persons/:id'),
  'plan.deleted': deleted('DELETE /v1/plans/:id'),
  'price.deleted': deleted('the price was deleted'),
  'product.deleted': deleted('DELETE /v1/products/:id'),
  'test_helpers.test_clock.deleted': deleted('DELETE /v1/test_helpers/test_clocks/:id'),
} as const satisfies Record<DeletedEventType, EventMeaning>;

const OTHER_EVENTS = {
  'entitlements.active_entitlement_summary.updated': {
    kind: 'keyed',
    why: "a customer's active entitlements (what apps gate features on) arrive without an id: one document per customer",
    key: (object) => (typeof object.customer === 'string' && object.customer !== '' ? `${object.customer}:active_entitlement_summary` : undefined),
  },
  'account.application.deauthorized': {
    kind: 'deauthorize',
    why: "the connected account (the event's `account`) disconnected the platform: it stays, marked deauthorized",
  },
} as const satisfies Partial<Record<StripeEventType, EventMeaning>>;

const MEANINGS: Readonly<Partial<Record<string, EventMeaning>>> = { ...DELETED_EVENTS, ...OTHER_EVENTS };

/**
 * The meaning of an event type that differs from "upsert `data.object`", or `undefined`; thin events' `v1.` types
 * (`v1.customer.subscription.deleted`) mean what their snapshot types mean. A `*.deleted` type newer than this table
 * is read as a deletion, as Stripe names them.
 *
 * ```ts
 * eventMeaning('customer.subscription.deleted'); // { kind: 'state', why: 'the subscription ended: …' }
 * ```
 */
export function eventMeaning(eventType: string): EventMeaning | undefined {
  const type = eventType.startsWith('v1.') ? eventType.slice('v1.'.length) : eventType;
  if (Object.hasOwn(MEANINGS, type)) return MEANINGS[type];
  return type.endsWith('.deleted') ? deleted('a *.deleted event type this table does not know yet') : undefined;
}

/** Every row of the table, for the README and its test. */
export function eventMeaningRows(): readonly { type: string; meaning: EventMeaning }[] {
  return Object.entries(MEANINGS).flatMap(([type, meaning]) => (meaning ? [{ type, meaning }] : []));
}

/** The event's connected account, for `deauthorize` rows. */
export function eventAccount(event: Stripe.Event): string | undefined {
  return typeof event.account === 'string' && event.account !== '' ? event.account : undefined;
}

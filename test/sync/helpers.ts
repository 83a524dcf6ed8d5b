import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';
import {
  syncStripeObjects,
  type StripeObjectLike,
  type SyncContext,
  type SyncEngineOptions,
  type SyncReport,
} from '../../src/sync/index.js';

/**
 * Expandable paths for the types these tests use, shaped like the generated table (dotted paths, Stripe's names).
 * The engine takes the table as an option, so its tests do not depend on the models.
 */
const EXPANDABLE: Readonly<Record<string, readonly string[]>> = {
  customer: ['default_source', 'subscriptions', 'sources', 'invoice_settings.default_payment_method'],
  subscription: ['customer', 'default_payment_method', 'latest_invoice', 'discounts', 'transfer_data.destination'],
  invoice: ['customer', 'subscription', 'charge', 'payment_intent', 'discounts', 'default_payment_method'],
  charge: ['customer', 'invoice', 'payment_intent', 'balance_transaction', 'refunds'],
  line_item: ['discounts'],
};

export const engineOptions: SyncEngineOptions = {
  expandableFields: (objectType) => EXPANDABLE[objectType] ?? [],
};

/** `stripe_objects` on mongoose's default connection (emptied after each test by test/support/setup.ts). */
export function stripeObjects(): Collection {
  const db = mongoose.connection.db;
  if (!db) throw new Error('mongoose is not connected');
  return db.collection('stripe_objects');
}

/** Syncs through the engine into {@link stripeObjects}. */
export function sync(
  objects: readonly StripeObjectLike[],
  context: SyncContext = {},
  options: Partial<SyncEngineOptions> = {},
): Promise<SyncReport> {
  return syncStripeObjects(stripeObjects(), objects, context, { ...engineOptions, ...options });
}

/** A filter on a string `_id` (the driver's default schema types `_id` as an ObjectId). */
export function byId(id: string): Document {
  return { _id: id };
}

/** The stored document with the mirror's own fields removed: what Stripe sent, as stored. */
export async function storedStripeFields(id: string): Promise<Document | null> {
  const stored = await stripeObjects().findOne(byId(id));
  if (!stored) return null;
  const { _id: _storedId, _mirror: _bookkeeping, stripeAccount: _account, ...fields } = stored;
  return fields;
}

/** A JSON fixture from test/sync/fixtures, parsed fresh on every call. */
export function fixture(name: 'subscription' | 'invoice'): StripeObjectLike {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('object' in parsed) || typeof parsed.object !== 'string') {
    throw new Error(`fixture ${name} is not a Stripe object`);
  }
  return { ...parsed, object: parsed.object };
}

/** Every ordering of `items`. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

import type { Model, Schema } from 'mongoose';
import type Stripe from 'stripe';
import type { ListFromStripeResult, Stored, StripeDocument, StripeObjectModel } from './types.js';
import { asMirroredModel, callAndSync } from './write-through.js';

/** A stored Connect or platform account. */
export type StoredAccount = Stored<Stripe.Account>;
/** A hydrated account document. */
export type AccountDocument = StripeDocument<StoredAccount>;

/** Statics of the Account model: the platform account and the Connect accounts. */
export interface AccountStatics {
  /** The platform's own account (`GET /v1/account`), synced and returned. */
  platform(): Promise<AccountDocument>;
  /** Syncs every Connect account of the platform (`GET /v1/accounts`, all pages). */
  syncConnectedAccounts(params?: Record<string, unknown>): Promise<ListFromStripeResult>;
}

/** The Account model: `await Account.platform()`. */
export type AccountModel = StripeObjectModel<StoredAccount, object, object, AccountStatics>;

/** Adds the hand-written Account behaviour to its discriminator schema. */
export function defineAccount(schema: Schema): void {
  schema.static('platform', function platform(this: Model<unknown>) {
    return callAndSync<AccountDocument>(asMirroredModel(this), 'GET', '/v1/account', {}, null);
  });

  schema.static('syncConnectedAccounts', function syncConnectedAccounts(this: Model<unknown>, params: Record<string, unknown> = {}) {
    return asMirroredModel(this).listFromStripe(params, { stripeAccount: null });
  });
}

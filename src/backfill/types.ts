import { OBJECT_TYPES } from '../models/generated/object-types.js';
import { BackfillOptionsError } from './errors.js';

/** One object type a backfill lists: where, and with which extra parameters. */
export interface ListTarget {
  readonly type: string;
  readonly listPath: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Extra list parameters some endpoints need to return everything: Stripe's subscription list hides canceled
 * subscriptions unless asked for `status=all`. One line per endpoint.
 */
const LIST_PARAMS = {
  subscription: { status: 'all' },
} as const satisfies Record<string, Record<string, string>>;

/**
 * Types a default backfill leaves out, with why. Each can still be chosen with `types` when the list works for the
 * account. One line per type.
 */
const NOT_BY_DEFAULT = {
  event: 'events are not state: catch-up applies them through the webhook path',
  account: 'connected accounts are listed by `allAccounts`',
  country_spec: 'reference data, not account state',
  exchange_rate: 'reference data, not account state (and deprecated)',
  'reporting.report_type': 'reference data, not account state',
  'apps.secret': 'the list needs a `scope`',
  'billing.credit_balance_transaction': 'the list needs a `customer`',
  credit_note_line_item: 'the list previews lines of one invoice',
  'entitlements.active_entitlement': 'the list needs a `customer`',
  payment_attempt_record: 'the list needs a `payment_record`',
  'radar.value_list_item': 'the list needs a `value_list`',
  setup_attempt: 'the list needs a `setup_intent`',
  subscription_item: 'the list needs a `subscription`; items arrive embedded in subscriptions',
  'treasury.credit_reversal': 'the list needs a `financial_account`',
  'treasury.debit_reversal': 'the list needs a `financial_account`',
  'treasury.inbound_transfer': 'the list needs a `financial_account`',
  'treasury.outbound_payment': 'the list needs a `financial_account`',
  'treasury.outbound_transfer': 'the list needs a `financial_account`',
  'treasury.received_credit': 'the list needs a `financial_account`',
  'treasury.received_debit': 'the list needs a `financial_account`',
  'treasury.transaction': 'the list needs a `financial_account`',
  'treasury.transaction_entry': 'the list needs a `financial_account`',
} as const satisfies Record<string, string>;

/**
 * The types a backfill lists: the chosen ones, or every type of the generated type table that has a top-level list
 * endpoint (nested lists such as `/v1/customers/{customer}/sources` need a parent and are filled by expansion).
 *
 * ```ts
 * resolveListTargets(['customer', 'subscription']);
 * // [{ type: 'customer', listPath: '/v1/customers', params: {} }, { type: 'subscription', …, params: { status: 'all' } }]
 * ```
 */
export function resolveListTargets(types?: readonly string[]): ListTarget[] {
  const listable = new Map<string, string>();
  for (const [type, info] of Object.entries(OBJECT_TYPES)) {
    const listPath: string | undefined = info.listPath;
    if (listPath && !listPath.includes('{')) listable.set(type, listPath);
  }
  const chosen = types ?? [...listable.keys()].filter((t) => !(t in NOT_BY_DEFAULT));
  const unknown = chosen.filter((t) => !listable.has(t));
  if (unknown.length > 0) {
    throw new BackfillOptionsError(
      `cannot list ${unknown.map((t) => `'${t}'`).join(', ')}: not a listable Stripe object type (e.g. customer, product, price, subscription, invoice, charge)`,
    );
  }
  return [...new Set(chosen)].map((type) => ({
    type,
    listPath: listable.get(type) ?? '',
    params: type in LIST_PARAMS ? LIST_PARAMS[type as keyof typeof LIST_PARAMS] : {},
  }));
}

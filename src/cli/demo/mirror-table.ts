import type mongoose from 'mongoose';
import { formatAmount } from '../amount.js';
import { plural } from '../plural.js';
import { renderTable } from '../table.js';

interface Row {
  readonly id: string;
  readonly [field: string]: unknown;
}

/**
 * Reads the mirror back from MongoDB and renders customers with their subscriptions, invoices and charges: what a
 * reader of `stripe_objects` sees after the backfill and the webhooks.
 *
 * ```ts
 * process.stdout.write(await renderMirror(connection));
 * ```
 */
export async function renderMirror(connection: mongoose.Connection): Promise<string> {
  const objects = connection.collection('stripe_objects');
  const load = async (object: string): Promise<Row[]> =>
    (await objects.find({ object }, { sort: { created: 1 } }).toArray()).map((doc) => ({ ...doc, id: String(doc._id) }));
  const [customers, subscriptions, invoices, charges] = await Promise.all(['customer', 'subscription', 'invoice', 'charge'].map(load));
  const byCustomer = (rows: readonly Row[] | undefined, customer: string): Row[] => (rows ?? []).filter((row) => row.customer === customer);
  const rows = (customers ?? []).filter((customer) => customer.deleted !== true).map((customer) => {
    const subs = byCustomer(subscriptions, customer.id);
    const invs = byCustomer(invoices, customer.id);
    const chs = byCustomer(charges, customer.id);
    return [
      customer.id,
      String(customer.name ?? customer.email ?? '-'),
      typeof customer.stripeAccount === 'string' ? customer.stripeAccount : 'platform',
      subs.map((s) => String(s.status)).join(', ') || '-',
      countBy(invs.map((i) => String(i.status))) || '-',
      describeCharges(chs),
    ];
  });
  const counts = await objects.aggregate<{ _id: unknown; n: number }>([{ $group: { _id: '$object', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
  return [
    renderTable(['customer', 'name', 'account', 'subscriptions', 'invoices', 'charges'], rows),
    `\nstripe_objects: ${counts.map((c) => `${String(c._id)} ${c.n}`).join(', ')}\n`,
  ].join('');
}

/** `['paid', 'paid', 'open']` -> `2 paid, 1 open`. */
function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} ${value}`).join(', ');
}

/** `2 charges: $30.00 ($10.00 refunded), ¥500`: totals per currency, since amounts of two currencies never add up. */
function describeCharges(charges: readonly Row[]): string {
  if (charges.length === 0) return '-';
  const totals = new Map<string, { amount: number; refunded: number }>();
  for (const charge of charges) {
    const currency = String(charge.currency ?? '');
    const total = totals.get(currency) ?? { amount: 0, refunded: 0 };
    total.amount += typeof charge.amount === 'number' ? charge.amount : 0;
    total.refunded += typeof charge.amount_refunded === 'number' ? charge.amount_refunded : 0;
    totals.set(currency, total);
  }
  const amounts = [...totals].map(([currency, { amount, refunded }]) =>
    `${formatAmount(amount, currency)}${refunded > 0 ? ` (${formatAmount(refunded, currency)} refunded)` : ''}`,
  );
  return `${plural(charges.length, 'charge')}: ${amounts.join(', ')}`;
}

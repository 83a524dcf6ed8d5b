import { isDeepStrictEqual } from 'node:util';
import { applyInOrder } from '../harness/in-order.js';
import type { StripeObjectJson, WebhookEvent } from '../harness/lifecycle-stream.js';
import { compareMirrors, type StoredDocument } from '../harness/oracle.js';

type EmbeddedMongo = Awaited<ReturnType<typeof import('@stripe-mirror/embedded-mongo').startEmbeddedMongo>>;

/**
 * The fields both sides store for each object type of the lifecycle stream (the peer keeps one table per type with
 * these columns), checked against the newest version of each object. The peer table of each type is named here too.
 */
export const CORE_FIELDS = {
  customer: { table: 'customers', fields: ['email', 'name', 'metadata'] },
  payment_method: { table: 'payment_methods', fields: ['customer'] },
  subscription: { table: 'subscriptions', fields: ['status', 'latest_invoice', 'canceled_at', 'ended_at'] },
  invoice: { table: 'invoices', fields: ['status', 'amount_paid', 'amount_remaining', 'attempt_count', 'number'] },
  charge: { table: 'charges', fields: ['status', 'amount', 'amount_refunded', 'refunded'] },
  refund: { table: 'refunds', fields: ['status', 'amount'] },
} as const satisfies Record<string, { table: string; fields: readonly string[] }>;

export type CoreType = keyof typeof CORE_FIELDS;

/** A stored object as either side returns it: its id and (at least) its core fields. */
export type StoredRow = { id: string; [field: string]: unknown };

/**
 * The newest version of every object the events carry: the last one in truth order (by `created`, then the order
 * Stripe generated them), which is what applying the events once each, in order, leaves.
 */
export function newestVersions(inOrder: readonly WebhookEvent[]): Map<string, StripeObjectJson> {
  const newest = new Map<string, StripeObjectJson>();
  for (const event of inOrder) newest.set(event.data.object.id, event.data.object);
  return newest;
}

/**
 * Objects whose stored core fields ({@link CORE_FIELDS}) differ from their newest version, or that are not stored;
 * the same check for both sides. Returns one line per wrong object.
 *
 * ```ts
 * wrongCoreObjects(newestVersions(events), (type, id) => rowsByType[type].get(id)) // -> [] when all are right
 * ```
 */
export function wrongCoreObjects(
  newest: ReadonlyMap<string, StripeObjectJson>,
  stored: (type: CoreType, id: string) => StoredRow | undefined,
): string[] {
  const wrong: string[] = [];
  for (const [id, version] of newest) {
    if (!isCoreType(version.object)) continue;
    const row = stored(version.object, id);
    if (!row) {
      wrong.push(`${id}: not stored`);
      continue;
    }
    const field = CORE_FIELDS[version.object].fields.find((name) => !isDeepStrictEqual(row[name], version[name]));
    if (field !== undefined) wrong.push(`${id}.${field}: stored ${JSON.stringify(row[field])}, newest ${JSON.stringify(version[field])}`);
  }
  return wrong;
}

export function isCoreType(type: string): type is CoreType {
  return Object.hasOwn(CORE_FIELDS, type);
}

/**
 * `stripe_objects` after applying `inOrder` once each, strictly in order, through the library's own apply path
 * (`applyStripeEvent` from `dist/`, no HTTP, no concurrency), as the fault suite's oracle does
 * (both use bench/harness/in-order.ts). Runs on a scratch embedded database in this process, apart from the
 * measured one.
 */
export class InOrderMirror {
  private mongo: Promise<EmbeddedMongo> | undefined;
  private runs = 0;

  async documents(inOrder: readonly WebhookEvent[]): Promise<StoredDocument[]> {
    const { startEmbeddedMongo } = await import('@stripe-mirror/embedded-mongo');
    const mongo = await (this.mongo ??= startEmbeddedMongo());
    return applyInOrder(mongo.uri, `in_order_${this.runs++}`, inOrder);
  }

  async stop(): Promise<void> {
    await (await this.mongo)?.stop();
  }
}

/**
 * The documents of one stream's own objects: ids carrying a lifecycle key (`cus_L00042abcdef`, see
 * lifecycle-stream.ts). The fixture prices, plans and products nested in every lifecycle share one id across all
 * streams, so their stored version depends on which scenario ran last, not on this stream: they are left out.
 */
export function streamObjects(documents: readonly StoredDocument[]): StoredDocument[] {
  return documents.filter((doc) => /_L\d{5}/.test(String(doc._id)));
}

/** Documents of `expected` missing from `actual` or different there (ids, deduplicated). */
export function wrongDocuments(actual: readonly StoredDocument[], expected: readonly StoredDocument[]): string[] {
  const { missing, different } = compareMirrors(actual, expected);
  return [...missing.map((id) => `${id}: not stored`), ...different.map((d) => `${d.id}.${d.path}: stored ${JSON.stringify(d.actual)}, in order ${JSON.stringify(d.expected)}`)];
}

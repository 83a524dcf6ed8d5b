/**
 * The naive backfill the real one is compared with: list every object through the SDK's auto-pagination and write
 * each with its own `findOneAndUpdate` upsert, one at a time. Usage:
 * `node naive-backfill-main.ts <mongoUri> <dbName> <apiBase> <apiKey> <type,type,…>`; prints `done <count>`.
 */
import { MongoClient } from 'mongodb';
import Stripe from 'stripe';
import { exitWhenOrphaned } from './orphan-guard.js';

exitWhenOrphaned();
const [mongoUri, dbName, apiBase, apiKey, types] = process.argv.slice(2);
if (!mongoUri || !dbName || !apiBase || !apiKey || !types) throw new Error('usage: naive-backfill-main.ts <mongoUri> <dbName> <apiBase> <apiKey> <types>');
const base = new URL(apiBase);
const stripe = new Stripe(apiKey, { host: base.hostname, port: Number(base.port), protocol: 'http', maxNetworkRetries: 0 });
const client = await new MongoClient(mongoUri).connect();
const collection = client.db(dbName).collection<{ _id: string }>('stripe_objects');
const lists: Record<string, (params: { limit: number }) => AsyncIterable<{ id: string }>> = {
  customer: (params) => stripe.customers.list(params),
  product: (params) => stripe.products.list(params),
  price: (params) => stripe.prices.list(params),
  charge: (params) => stripe.charges.list(params),
  invoice: (params) => stripe.invoices.list(params),
  subscription: (params) => stripe.subscriptions.list(params),
};
let count = 0;
for (const type of types.split(',')) {
  const list = lists[type];
  if (!list) throw new Error(`naive backfill cannot list ${type}`);
  for await (const object of list({ limit: 100 })) {
    await collection.findOneAndUpdate({ _id: object.id }, { $set: object }, { upsert: true });
    count++;
  }
}
await client.close();
process.stdout.write(`done ${count}\n`);

import mongoose from 'mongoose';
import type Stripe from 'stripe';
import { expect } from '../support/chai.js';
import { startEmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { createStripeMirror } from '../../src/models/mirror.js';
import { applyStripeEvent, createWebhookHandler } from '../../src/webhooks/index.js';
import { buildLifecycleStream } from '../../bench/harness/lifecycle-stream.js';

/** Stored objects without the write bookkeeping that differs between runs (when, through which event). */
async function mirrored(connection: mongoose.Connection): Promise<unknown[]> {
  const docs = await connection.db!.collection('stripe_objects').find().sort({ _id: 1 }).toArray();
  return docs.map(({ _mirror, ...fields }) => ({ ...fields, watermark: _mirror.watermark, rank: _mirror.rank }));
}

for (const serverVersion of ['7.0', '8.0'] as const) {
  describe(`webhook pipeline on a MongoDB ${serverVersion} server`, () => {
    const stream = buildLifecycleStream({ customers: 6, seed: 3, duplicateRate: 0.3 });
    let mongo: Awaited<ReturnType<typeof startEmbeddedMongo>>;
    let live: mongoose.Connection;
    let truth: mongoose.Connection;

    before(async () => {
      mongo = await startEmbeddedMongo({ serverVersion });
      live = await mongoose.createConnection(mongo.uri, { dbName: 'versions_live' }).asPromise();
      truth = await mongoose.createConnection(mongo.uri, { dbName: 'versions_truth' }).asPromise();
      const expected = createStripeMirror({ connection: truth });
      for (const event of stream.inOrder) await applyStripeEvent(event as unknown as Stripe.Event, { mirror: expected, source: 'webhook' });
    });
    after(async () => {
      await Promise.all([live.close(), truth.close()]);
      await mongo.stop();
    });

    it('ends in the in-order state from shuffled concurrent deliveries with duplicates, each event recorded once', async () => {
      const handler = createWebhookHandler({ secrets: ['whsec_versions'], mirror: createStripeMirror({ connection: live }) });
      const results = await Promise.all(stream.deliveries.map((event) => handler.ingest(event as unknown as Stripe.Event, { source: 'webhook' })));
      expect(results.filter((result) => !result.duplicate)).to.have.length(stream.inOrder.length);
      const logged = await live.db!.collection('stripe_events').find().toArray();
      expect(logged.map((doc) => [doc.status, doc.attempts])).to.deep.equal(stream.inOrder.map(() => ['processed', 1]));
      expect(await mirrored(live)).to.deep.equal(await mirrored(truth));
    });

    it(`applies a new event alone with ${serverVersion === '8.0' ? 'one command' : 'two commands'}`, async () => {
      const handler = createWebhookHandler({ secrets: ['whsec_versions'], mirror: createStripeMirror({ connection: live }) });
      const [first, second] = buildLifecycleStream({ customers: 1, seed: 4, duplicateRate: 0 }).inOrder;
      await handler.ingest(first as unknown as Stripe.Event);
      const before = mongo.stats().commands;
      await handler.ingest(second as unknown as Stripe.Event);
      expect(mongo.stats().commands - before).to.equal(serverVersion === '8.0' ? 1 : 2);
    });
  });
}

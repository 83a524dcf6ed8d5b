import { randomBytes } from 'node:crypto';
import { backfill } from '../../backfill/index.js';
import { createStripeMirror } from '../../models/mirror.js';
import { parseCommandArgs, type Command } from '../command.js';
import { connectMongo } from '../connect.js';
import { deliverSigned, runLifecycle } from '../demo/lifecycle.js';
import { renderMirror } from '../demo/mirror-table.js';
import { createProgressView } from '../progress-view.js';
import { loadTestingKit, loadWebhookServer } from '../side-packages.js';

/** The object types the fake Stripe API serves, so the demo's backfill shows data instead of skipped endpoints. */
const DEMO_TYPES = [
  'product', 'price', 'coupon', 'customer', 'payment_method', 'setup_intent', 'payment_intent', 'subscription',
  'invoice', 'invoiceitem', 'charge', 'refund', 'checkout.session',
];

/**
 * `stripe-mirror demo`: everything on this machine, nothing configured, nothing leaves it. Starts the embedded
 * MongoDB and the fake Stripe API (seeded with a small realistic account), backfills it with progress, serves the
 * webhook endpoint, plays a customer lifecycle through the API and delivers its events signed over HTTP, then prints
 * the mirror and stops everything. The testing kit (`@stripe-mirror/testing`, which brings the embedded MongoDB) is
 * loaded when the command runs, so the CLI works without it for every other command.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the whole pipeline locally (embedded MongoDB, fake Stripe API, backfill, signed webhooks) and print the mirror.',
  usage: 'stripe-mirror demo',
  help: [],
  async run(argv, io) {
    parseCommandArgs('demo', argv, {});
    const out = (line: string): void => void io.stdout.write(`${line}\n`);
    const started = Date.now();
    out('stripe-mirror demo: a local MongoDB and a fake Stripe API; nothing leaves this machine.\n');
    const kit = await loadTestingKit('`stripe-mirror demo`');
    const { startWebhookServer } = await loadWebhookServer('`stripe-mirror demo`');
    const mongo = await kit.startEmbeddedMongo();
    const fake = await kit.startFakeStripe({ seed: 'realistic' });
    const connection = await connectMongo(mongo.uri);
    try {
      out(`1. embedded MongoDB at ${mongo.uri}`);
      out(`2. fake Stripe API at ${fake.url}, seeded with products, customers, subscriptions, invoices, charges and a Connect account`);
      out('3. backfill through the list APIs (the same code as `stripe-mirror sync`):');
      const stripe = fake.client();
      const mirror = createStripeMirror({ connection, stripe });
      const view = createProgressView(io, { json: false });
      const report = await backfill({
        mirror,
        stripe,
        types: DEMO_TYPES,
        allAccounts: true,
        onProgress: (p) => view.progress(p),
        onWarning: (m) => view.warning(m),
      });
      view.summary(report);
      const secret = `whsec_demo_${randomBytes(12).toString('hex')}`;
      const server = await startWebhookServer({ mirror, secrets: [secret], port: 0, host: '127.0.0.1', path: '/stripe/webhook', mode: 'sync' });
      try {
        out(`\n4. webhook server at ${server.webhookUrl} (the same server as \`stripe-mirror serve\`)`);
        const life = await runLifecycle(fake);
        out(`   customer ${life.customer} -> payment method ${life.paymentMethod} -> subscription ${life.subscription}`);
        out(`   -> invoice ${life.invoice} paid -> charge ${life.charge} -> refund ${life.refund} -> cancellation`);
        const accepted = await deliverSigned(kit.deliverWebhook, server.webhookUrl, life.events, secret);
        out(`   delivered ${life.events.length} signed events over HTTP: ${accepted} accepted`);
      } finally {
        await server.stop();
      }
      out('\n5. the mirror in MongoDB (stripe_objects):\n');
      io.stdout.write(await renderMirror(connection));
      out(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s. Next: 'stripe-mirror mongo', then 'stripe-mirror sync --stripe-key sk_test_…' against your own test account.`);
      return 0;
    } finally {
      await connection.close();
      await fake.stop();
      await mongo.stop();
    }
  },
};

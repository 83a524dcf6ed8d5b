import { expect } from '../support/chai.js';
import { defaultMirror, type StripeMirror } from '../../src/models/mirror.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { scrubSecrets } from '../../src/webhooks/scrub.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer } from './support.js';

describe('webhook processing failures', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'invoice.paid.json')!.event;

  async function storedEvent(): Promise<Record<string, unknown> | null> {
    return collection('stripe_events').findOne({ _id: event.id });
  }

  it('marks the event failed with a scrubbed error and answers 500 when a hook throws, then applies the retry', async () => {
    let failing = true;
    let runs = 0;
    const handler = createWebhookHandler({ secrets: [SECRET] }).on('invoice.paid', () => {
      runs += 1;
      if (failing) throw new Error('mailer refused key sk_test_51Hsecretvalue and whsec_abcdef123456');
    });
    const server = await startWebhookServer({ handler });
    try {
      const first = await deliver(server.url, event);
      expect(first.status).to.equal(500);
      expect(JSON.stringify(first.body)).not.to.include('sk_test_51H');
      const failed = await storedEvent();
      expect(failed).to.include({ status: 'failed', attempts: 1 });
      const lastError = failed!.lastError as { message: string; stack: string };
      expect(lastError.message).to.include('sk_test_[redacted]').and.include('whsec_[redacted]');
      expect(lastError.message).not.to.include('secretvalue');
      expect(lastError.stack).not.to.include('secretvalue');

      failing = false;
      expect((await deliver(server.url, event)).status).to.equal(200);
      expect((await deliver(server.url, event)).status).to.equal(200);
      expect(runs).to.equal(2);
      expect(await storedEvent()).to.include({ status: 'processed', attempts: 2, lastError: null });
    } finally {
      await server.close();
    }
  });
});

describe('webhook writes the database did not confirm', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;

  it('marks the event failed and answers 500 when the write path reports nothing written', async () => {
    // What a bulkWrite acknowledged across a dropped connection looked like in the fault suite: no upsert, no
    // modification, no stale write. The real event log still records the outcome.
    const mirror: StripeMirror = {
      ...defaultMirror(),
      sync: async (objects) => ({ upserted: 0, modified: 0, stale: 0, ids: [objects].flat().map((o) => String(o.id)) }),
    };
    const server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET], mirror }) });
    try {
      const response = await deliver(server.url, event);
      expect(response.status).to.equal(500);
      expect(response.body.error).to.equal('event_write_unconfirmed');
      expect(await collection('stripe_events').findOne({ _id: event.id })).to.include({ status: 'failed' });
    } finally {
      await server.close();
    }
  });
});

describe('scrubSecrets()', () => {
  it('redacts secret keys, restricted keys and webhook secrets', () => {
    expect(scrubSecrets('a sk_live_abc123 b rk_test_XYZ c whsec_Zm9v d')).to.equal(
      'a sk_live_[redacted] b rk_test_[redacted] c whsec_[redacted] d',
    );
  });

  it('leaves Stripe object ids alone', () => {
    expect(scrubSecrets('cus_123 sub_456 in_789')).to.equal('cus_123 sub_456 in_789');
  });
});

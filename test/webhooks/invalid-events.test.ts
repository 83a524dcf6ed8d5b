import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, withId, type WebhookServer } from './support.js';

const base = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;

/** The customer event with its object replaced. */
function carrying(id: string, object: Record<string, unknown>): object {
  return withId(base, id, { data: { object: { id: `cus_${id}`, object: 'customer', ...object } } });
}

/** A Stripe object nesting expanded objects `levels` deep (the write path refuses past its document depth). */
function nestedObjects(levels: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { id: 'cus_innermost', object: 'customer' };
  for (let i = 0; i < levels; i += 1) inner = { id: `cus_level_${i}`, object: 'customer', default_source: inner };
  return inner;
}

/** Plain JSON nesting `levels` objects deep inside the event's object. */
function nestedData(levels: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i += 1) inner = { next: inner };
  return { metadata: {}, deep: inner };
}

const NEVER_APPLICABLE: readonly [string, object][] = [
  ['an object type named __proto__', carrying('proto', { object: '__proto__' })],
  ['an object type named constructor', carrying('ctor', { object: 'constructor' })],
  ['an object type named toString', carrying('tostring', { object: 'toString' })],
  ['an object type named hasOwnProperty', carrying('own', { object: 'hasOwnProperty' })],
  ['a $set field in data.object', carrying('set', { $set: { email: 'x' } })],
  ['an _id field in data.object', carrying('underscore_id', { _id: 'other' })],
  ['a _mirror field in data.object', carrying('mirror', { _mirror: { watermark: 9e9 } })],
  ['expanded objects nested past the document depth', carrying('deep_docs', nestedObjects(12))],
];

describe('verified events that can never apply', () => {
  let server: WebhookServer;

  before(async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET] }) });
  });
  after(() => server.close());

  for (const [what, event] of NEVER_APPLICABLE) {
    it(`answers ${what} 200 once, records it invalid with the reason, and answers redeliveries as duplicates`, async () => {
      const first = await deliver(server.url, event);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body).to.include({ received: true, status: 'invalid' });
      const again = await deliver(server.url, event);
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ status: 'invalid', duplicate: true });
      const stored = await collection('stripe_events').findOne({ _id: (event as { id: string }).id });
      expect(stored).to.include({ status: 'invalid', attempts: 1 });
      expect(stored?.lastError?.message).to.be.a('string').and.not.equal('');
      expect(await collection('stripe_objects').countDocuments()).to.equal(0);
    });
  }

  it('either applies or answers 400 an event nested 55 to 75 levels deep, never storing it to answer 500', async () => {
    for (let levels = 55; levels <= 75; levels += 1) {
      const event = carrying(`depth_${levels}`, nestedData(levels));
      const response = await deliver(server.url, event);
      expect([200, 400], `${levels} levels: ${JSON.stringify(response.body)}`).to.include(response.status);
      const stored = await collection('stripe_events').findOne({ _id: (event as { id: string }).id });
      if (response.status === 400) expect(stored, `${levels} levels`).to.equal(null);
      else expect(stored?.status, `${levels} levels`).to.be.oneOf(['processed', 'invalid']);
    }
  });
});

import { expect } from '../support/chai.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { collection, deliver, fixtureEvents, SECRET, startWebhookServer, withId, type WebhookServer } from './support.js';

describe('webhook payload fidelity', () => {
  let server: WebhookServer;
  const current = fixtureEvents('current');
  const customerCreated = current.find(({ file }) => file === 'customer.created.json')!.event;
  const invoiceCreated = current.find(({ file }) => file === 'invoice.created.json')!.event;

  before(async () => {
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET], maxBodyBytes: 4 * 1024 * 1024 }) });
  });
  after(() => server.close());

  async function storedObject(id: string): Promise<Record<string, unknown> | null> {
    return collection('stripe_objects').findOne({ _id: id });
  }

  it('round-trips metadata keys with dots, dollars and unicode', async () => {
    const metadata = { 'plan.tier': 'gold', $price: '12', 'ключ': 'значение', '🎉': 'yes', 'a.b.$c': 'nested' };
    const event = withId(customerCreated, 'evt_metadata_keys', {
      data: { object: { ...customerCreated.data.object, id: 'cus_metadata_keys', metadata } },
    });
    expect((await deliver(server.url, event)).status).to.equal(200);
    const doc = await storedObject('cus_metadata_keys');
    expect(doc!.metadata).to.deep.equal(metadata);
    const stored = await collection('stripe_events').findOne({ _id: event.id });
    expect(stored!.data.object.metadata).to.deep.equal(metadata);
  });

  it('applies an invoice with 500 lines', async () => {
    const invoice = invoiceCreated.data.object;
    const lines = (invoice.lines as { data: Record<string, unknown>[] }).data;
    const template = lines[0]!;
    const data = Array.from({ length: 500 }, (_, i) => ({ ...template, id: `il_bulk_${String(i).padStart(3, '0')}` }));
    const event = withId(invoiceCreated, 'evt_invoice_500_lines', {
      data: {
        object: { ...invoice, id: 'in_500_lines', lines: { ...(invoice.lines as object), data, total_count: 500, has_more: false } },
      },
    });
    expect((await deliver(server.url, event)).status).to.equal(200);
    const doc = await storedObject('in_500_lines');
    expect((doc!.lines as { data: unknown[] }).data).to.have.length(500);
  });

  it('stores the Connect account of an event on the document it touches', async () => {
    const event = withId(customerCreated, 'evt_connect_customer', { account: 'acct_connected_1' });
    expect((await deliver(server.url, event)).status).to.equal(200);
    expect((await storedObject(String(customerCreated.data.object.id)))!.stripeAccount).to.equal('acct_connected_1');
  });

  it('keeps old-shape fields (top-level current_period_end, invoice.subscription) as sent', async () => {
    const subscription = fixtureEvents('stripe-sync-engine').find(({ file }) => file === 'subscription_updated.json')!.event;
    const invoice = fixtureEvents('stripe-sync-engine').find(({ file }) => file === 'invoice_paid.json')!.event;
    expect((await deliver(server.url, subscription)).status).to.equal(200);
    expect((await deliver(server.url, invoice)).status).to.equal(200);
    const sub = await storedObject(String(subscription.data.object.id));
    expect(sub!.current_period_end).to.equal(subscription.data.object.current_period_end);
    const inv = await storedObject(String(invoice.data.object.id));
    expect(inv!.subscription).to.equal(invoice.data.object.subscription);
  });

  it('records an event without a mirrorable object as ignored and answers 200', async () => {
    const event = withId(customerCreated, 'evt_balance_available', {
      type: 'balance.available',
      data: { object: { object: 'balance', available: [], pending: [], livemode: false } },
    });
    const response = await deliver(server.url, event);
    expect(response.status).to.equal(200);
    expect(response.body.status).to.equal('ignored');
    expect(await collection('stripe_objects').countDocuments()).to.equal(0);
  });

  it('mirrors an object of a type without a model through the base model', async () => {
    const event = withId(customerCreated, 'evt_unknown_type', {
      type: 'future_thing.created',
      data: { object: { id: 'fut_1', object: 'future_thing', created: 1767225780, shiny: true } },
    });
    expect((await deliver(server.url, event)).status).to.equal(200);
    expect(await storedObject('fut_1')).to.include({ object: 'future_thing', shiny: true });
  });
});

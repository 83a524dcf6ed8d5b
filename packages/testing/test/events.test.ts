import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { loadScenario, makeEvent, TestingKitError } from '../src/index.js';
import { expect } from './support/chai.js';

describe('makeEvent()', () => {
  it('wraps an object in an event shaped like Stripe webhooks', () => {
    const event = makeEvent('customer.updated', { id: 'cus_1', object: 'customer' }, { created: 1_767_225_600, previousAttributes: { email: null } });
    expect(event).to.deep.include({ object: 'event', type: 'customer.updated', created: 1_767_225_600, livemode: false, api_version: Stripe.API_VERSION });
    expect(event.id).to.match(/^evt_/);
    expect(event.data).to.deep.equal({ object: { id: 'cus_1', object: 'customer' }, previous_attributes: { email: null } });
  });

  it('sets account for Connect events and leaves it out for the platform', () => {
    expect(makeEvent('account.updated', { id: 'acct_1' }, { account: 'acct_1' }).account).to.equal('acct_1');
    expect(makeEvent('customer.created', { id: 'cus_1' })).to.not.have.property('account');
  });
});

describe('loadScenario()', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scenario-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads NDJSON events in file order', async () => {
    const events = [makeEvent('customer.created', { id: 'cus_1' }, { id: 'evt_1' }), makeEvent('customer.deleted', { id: 'cus_1' }, { id: 'evt_2' })];
    const path = join(dir, 'scenario.ndjson');
    await writeFile(path, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    expect((await loadScenario(path)).map((event) => event.id)).to.deep.equal(['evt_1', 'evt_2']);
  });

  it('reads a JSON array of events', async () => {
    const path = join(dir, 'scenario.json');
    await writeFile(path, JSON.stringify([makeEvent('product.created', { id: 'prod_1' }, { id: 'evt_3' })]));
    expect((await loadScenario(path))[0]?.type).to.equal('product.created');
  });

  it('names the line of an entry that is not an event', async () => {
    const path = join(dir, 'broken.ndjson');
    await writeFile(path, `${JSON.stringify(makeEvent('customer.created', { id: 'cus_1' }))}\n{"id":"cus_1","object":"customer"}\n`);
    await expect(loadScenario(path)).to.be.rejectedWith(TestingKitError, 'broken.ndjson:2');
  });

  it('fails clearly for a missing file', async () => {
    await expect(loadScenario(join(dir, 'missing.ndjson'))).to.be.rejectedWith(TestingKitError, 'cannot read scenario');
  });
});

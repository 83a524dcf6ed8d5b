import { expect } from '../support/chai.js';
import { defaultMirror } from '../../src/models/mirror.js';
import { applyEventRetention, eventLogSize, RETENTION_INDEX } from '../../src/webhooks/retention.js';
import { ingestStripeEvent } from '../../src/webhooks/index.js';
import { events } from '../../src/webhooks/event-log.js';
import { fixtureEvents, withId } from './support.js';
import type Stripe from 'stripe';

const retentionIndex = async () => (await events(defaultMirror()).indexes()).find((index) => index.name === RETENTION_INDEX);

describe('applyEventRetention()', () => {
  afterEach(() => applyEventRetention(defaultMirror(), { days: null }));

  it('expires only processed and ignored events, by a TTL index on processedAt', async () => {
    await applyEventRetention(defaultMirror(), { days: 30 });
    const index = await retentionIndex();
    expect(index).to.include({ expireAfterSeconds: 30 * 86_400 });
    expect(index?.key).to.deep.equal({ processedAt: 1 });
    expect(index?.partialFilterExpression).to.deep.equal({ status: { $in: ['processed', 'ignored'] } });
  });

  it('replaces the index when the period changes and removes it with days: null', async () => {
    await applyEventRetention(defaultMirror(), { days: 30 });
    await applyEventRetention(defaultMirror(), { days: 30 });
    await applyEventRetention(defaultMirror(), { days: 7 });
    expect(await retentionIndex()).to.include({ expireAfterSeconds: 7 * 86_400 });
    await applyEventRetention(defaultMirror(), { days: null });
    expect(await retentionIndex()).to.equal(undefined);
  });

  it('refuses a period that is not a positive number of days', async () => {
    await expect(applyEventRetention(defaultMirror(), { days: 0 })).to.be.rejectedWith(/positive number/);
  });
});

describe('eventLogSize()', () => {
  it('counts the stored events and tells when the oldest was received', async () => {
    expect(await eventLogSize(defaultMirror())).to.deep.equal({ events: 0, oldestReceivedAt: null });
    const base = fixtureEvents('current').find(({ file }) => file === 'customer.created.json')!.event;
    const before = new Date();
    for (const id of ['evt_size_1', 'evt_size_2']) await ingestStripeEvent(withId(base, id) as unknown as Stripe.Event);
    const size = await eventLogSize(defaultMirror());
    expect(size.events).to.equal(2);
    expect(size.oldestReceivedAt!.getTime()).to.be.at.least(before.getTime() - 1);
  });
});

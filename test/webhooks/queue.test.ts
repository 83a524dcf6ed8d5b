import { expect } from '../support/chai.js';
import { createWebhookHandler, type EventWorker } from '../../src/webhooks/index.js';
import { collection, deliver, eventually, fixtureEvents, SECRET, signatureHeader, startWebhookServer, withId, type WebhookServer } from './support.js';

describe('queue mode', () => {
  const event = fixtureEvents('current').find(({ file }) => file === 'customer.updated.json')!.event;
  let server: WebhookServer | undefined;
  let worker: EventWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await server?.close();
    worker = undefined;
    server = undefined;
  });

  const eventsCollection = () => collection('stripe_events');
  const statusOf = async (id: string) => (await eventsCollection().findOne({ _id: id }))?.status as string | undefined;

  it('answers 202 once the event is stored as pending, without applying it', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    server = await startWebhookServer({ handler });
    const response = await deliver(server.url, event);
    expect(response.status).to.equal(202);
    expect(await statusOf(event.id)).to.equal('pending');
    expect(await collection('stripe_objects').countDocuments()).to.equal(0);
  });

  it('answers a duplicate delivery 202 without storing it twice', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    expect((await deliver(server.url, event)).body).to.include({ duplicate: true });
    expect(await eventsCollection().countDocuments()).to.equal(1);
  });

  it('applies pending events with the worker and runs hooks once', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' }).on('*', (received) => {
      seen.push(received.id);
    });
    server = await startWebhookServer({ handler });
    const ids = ['evt_queue_1', 'evt_queue_2', 'evt_queue_3'];
    for (const id of ids) await deliver(server.url, withId(event, id));
    worker = handler.startWorker({ concurrency: 2, pollMs: 10 });
    await eventually(async () => (await eventsCollection().countDocuments({ status: 'processed' })) === 3);
    expect([...seen].sort()).to.deep.equal(ids);
    const objects = collection('stripe_objects');
    expect(await objects.countDocuments({ _id: String(event.data.object.id) })).to.equal(1);
  });

  it('drains a 2,000-event backlog with two workers, applying each event exactly once', async () => {
    const size = 2_000;
    const applied = new Map<string, number>();
    const count = (received: { id: string }) => void applied.set(received.id, (applied.get(received.id) ?? 0) + 1);
    const first = createWebhookHandler({ secrets: [SECRET], mode: 'queue' }).on('*', count);
    const second = createWebhookHandler({ secrets: [SECRET], mode: 'queue' }).on('*', count);
    const backlog = Array.from({ length: size }, (_, i) =>
      withId(event, `evt_backlog_${i}`, { data: { object: { ...event.data.object, id: `cus_backlog_${i}` } } }),
    );
    for (let start = 0; start < size; start += 100) {
      const statuses = await Promise.all(
        backlog.slice(start, start + 100).map(async (queued) => {
          const rawBody = JSON.stringify(queued);
          return (await first.handle({ rawBody, headers: { 'stripe-signature': signatureHeader(rawBody) } })).status;
        }),
      );
      expect(new Set(statuses)).to.deep.equal(new Set([202]));
    }
    worker = first.startWorker({ concurrency: 4, pollMs: 10 });
    const other = second.startWorker({ concurrency: 4, pollMs: 10 });
    await eventually(async () => applied.size === size, 60_000);
    await Promise.all([worker.stop(), other.stop()]);
    expect(applied.size).to.equal(size);
    expect([...applied.values()].every((times) => times === 1)).to.equal(true);
    expect(await eventsCollection().countDocuments({ attempts: 1 })).to.equal(size);
    expect(await collection('stripe_objects').countDocuments({ _id: { $regex: /^cus_backlog_/ } })).to.equal(size);
  });

  it('retries a failing event with exponential backoff and parks it as dead after maxAttempts', async () => {
    const attemptsAt: number[] = [];
    const handler = createWebhookHandler({
      secrets: [SECRET],
      mode: 'queue',
      maxAttempts: 3,
      backoffBaseMs: 40,
    }).on('customer.updated', () => {
      attemptsAt.push(Date.now());
      throw new Error('downstream unavailable');
    });
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    worker = handler.startWorker({ pollMs: 5 });
    await eventually(async () => (await statusOf(event.id)) === 'dead');
    const stored = await eventsCollection().findOne({ _id: event.id });
    expect(stored).to.include({ attempts: 3, nextAttemptAt: null });
    expect((stored!.lastError as { message: string }).message).to.include('downstream unavailable');
    expect(attemptsAt).to.have.length(3);
    expect(attemptsAt[1]! - attemptsAt[0]!).to.be.at.least(35);
    expect(attemptsAt[2]! - attemptsAt[1]!).to.be.at.least(75);
  });

  it('reclaims an event whose lease expired (its process crashed)', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    await eventsCollection().updateOne(
      { _id: event.id },
      { $set: { status: 'processing', attempts: 1, leaseUntil: new Date(Date.now() - 1000) } },
    );
    worker = handler.startWorker({ pollMs: 5 });
    await eventually(async () => (await statusOf(event.id)) === 'processed');
    expect(await eventsCollection().findOne({ _id: event.id })).to.include({ attempts: 2 });
  });

  it('leaves an event alone while another process holds a live lease', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    await eventsCollection().updateOne(
      { _id: event.id },
      { $set: { status: 'processing', attempts: 1, leaseUntil: new Date(Date.now() + 60_000) } },
    );
    worker = handler.startWorker({ pollMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusOf(event.id)).to.equal('processing');
  });

  it('finishes in-flight work on stop()', async () => {
    let entered!: () => void;
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' }).on('customer.updated', async () => {
      entered();
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    const running = handler.startWorker({ pollMs: 5 });
    await inHook;
    await running.stop();
    expect(await statusOf(event.id)).to.equal('processed');
  });

  it('stops when its abort signal fires', async () => {
    const handler = createWebhookHandler({ secrets: [SECRET], mode: 'queue' });
    const controller = new AbortController();
    const running = handler.startWorker({ pollMs: 5, signal: controller.signal });
    controller.abort();
    await running.stop();
    server = await startWebhookServer({ handler });
    await deliver(server.url, event);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await statusOf(event.id)).to.equal('pending');
  });
});

import mongoose from 'mongoose';
import { expect } from '../support/chai.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '@stripe-mirror/embedded-mongo';
import { createStripeMirror, type StripeMirror } from '../../src/models/mirror.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { deliver, deliverUntilAccepted, scenarioEvents, SECRET, startWebhookServer, type WebhookServer } from './support.js';

/** A database of its own that the test stops and restarts on the same port, as an outage would. */
describe('webhooks while the database goes away', () => {
  let mongo: EmbeddedMongo;
  let port: number;
  let connection: mongoose.Connection;
  let mirror: StripeMirror;
  let server: WebhookServer;
  const events = scenarioEvents();

  before(async () => {
    mongo = await startEmbeddedMongo();
    port = mongo.port;
    connection = await mongoose
      .createConnection(mongo.uri, { dbName: 'webhooks_outage', serverSelectionTimeoutMS: 300, bufferCommands: false })
      .asPromise();
    mirror = createStripeMirror({ connection });
    server = await startWebhookServer({ handler: createWebhookHandler({ secrets: [SECRET], mirror, leaseMs: 200 }) });
  });
  after(async () => {
    await server.close();
    await connection.close();
    await mongo.stop();
  });

  it('answers 5xx while the database is down and completes every event once it is back', async () => {
    const [firstHalf, secondHalf] = [events.slice(0, 8), events.slice(8)];
    for (const event of firstHalf) expect((await deliver(server.url, event)).status).to.equal(200);

    await mongo.stop();
    const during = await Promise.all(secondHalf.slice(0, 3).map((event) => deliver(server.url, event)));
    expect(during.map((response) => response.status)).to.deep.equal([503, 503, 503]);

    mongo = await startEmbeddedMongo({ port });
    for (const event of events) await deliverUntilAccepted(server.url, event, 50);

    const stored = await connection.db!.collection('stripe_events').find().toArray();
    expect(stored.map((doc) => doc._id).sort()).to.deep.equal(events.map((event) => event.id).sort());
    expect(new Set(stored.map((doc) => doc.status))).to.deep.equal(new Set(['processed']));
  });

  it('costs at most 3 database commands to apply a new event', async () => {
    const event = { ...events[0]!, id: 'evt_round_trips_1' };
    await deliverUntilAccepted(server.url, { ...events[0]!, id: 'evt_round_trips_warmup' }, 50);
    const before = mongo.stats().commands;
    expect((await deliver(server.url, event)).status).to.equal(200);
    expect(mongo.stats().commands - before).to.be.at.most(3);
  });
});

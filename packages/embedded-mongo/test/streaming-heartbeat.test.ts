import { BSON, type Document, ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { expect } from './support/chai.js';
import { RawConnection } from './raw-connection.js';

const FLAG_MORE_TO_COME = 2;
const FLAG_EXHAUST_ALLOWED = 1 << 16;

function body(frame: Buffer): Document {
  return BSON.deserialize(frame.subarray(21));
}

function flags(frame: Buffer): number {
  return frame.readUInt32LE(16);
}

/** Resolves once `count()` reaches `target`; rejects after `timeoutMs` saying how far it got. */
async function until(count: () => number, target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`only ${count()} of ${target} events within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("embedded MongoDB: the driver's streaming heartbeat (awaitable hello, exhaust)", () => {
  let mongo: EmbeddedMongo;

  beforeEach(async () => {
    mongo = await startEmbeddedMongo();
  });

  afterEach(async () => {
    await mongo.stop();
  });

  it('keeps a mongoose connection up through 20 streamed heartbeats, with no failed heartbeat and no disconnect', async () => {
    const connection = mongoose.createConnection(mongo.uri, { dbName: 'heartbeat', heartbeatFrequencyMS: 100 });
    const seen = { open: false, streamed: 0, failed: [] as string[], disconnected: 0, states: new Set<number>() };
    const client = connection.getClient();
    client.on('serverHeartbeatSucceeded', (event) => {
      if (!seen.open || !event.awaited) return;
      seen.streamed++;
      seen.states.add(connection.readyState);
    });
    client.on('serverHeartbeatFailed', (event) => seen.failed.push(event.failure.message));
    connection.on('disconnected', () => seen.disconnected++);
    try {
      await connection.asPromise();
      seen.open = true;
      await until(() => seen.streamed, 20, 10_000);
      expect(seen.failed).to.deep.equal([]);
      expect(seen.disconnected).to.equal(0);
      expect([...seen.states]).to.deep.equal([1]);
      expect(connection.readyState).to.equal(1);
    } finally {
      await connection.close();
    }
  });

  it('streams replies to an exhaustAllowed hello, each flagged moreToCome and answering the previous one', async () => {
    const raw = await RawConnection.open(mongo.port);
    try {
      const first = await raw.command({ hello: 1, $db: 'admin' });
      const sentAt = Date.now();
      raw.sendMsg(40, { hello: 1, topologyVersion: first.topologyVersion, maxAwaitTimeMS: 200, $db: 'admin' }, FLAG_EXHAUST_ALLOWED);
      const streamedOne = (await raw.next(2000)) as Buffer;
      const streamedTwo = (await raw.next(2000)) as Buffer;

      expect(Date.now() - sentAt).to.be.at.least(350);
      expect(streamedOne.readInt32LE(8)).to.equal(40);
      expect(streamedTwo.readInt32LE(8)).to.equal(streamedOne.readInt32LE(4));
      for (const frame of [streamedOne, streamedTwo]) {
        expect(flags(frame) & FLAG_MORE_TO_COME).to.equal(FLAG_MORE_TO_COME);
        expect(body(frame)).to.include({ isWritablePrimary: true, ok: 1 });
        expect(String(body(frame).topologyVersion.processId)).to.equal(String(first.topologyVersion.processId));
      }
    } finally {
      raw.close();
    }
  });

  it("answers at once, without moreToCome when exhaust is not allowed, a hello carrying another process's topologyVersion", async () => {
    const raw = await RawConnection.open(mongo.port);
    try {
      const sentAt = Date.now();
      raw.sendMsg(41, { hello: 1, topologyVersion: { processId: new ObjectId(), counter: 0 }, maxAwaitTimeMS: 10_000, $db: 'admin' });
      const frame = (await raw.next(2000)) as Buffer;

      expect(Date.now() - sentAt).to.be.below(1000);
      expect(frame.readInt32LE(8)).to.equal(41);
      expect(flags(frame) & FLAG_MORE_TO_COME).to.equal(0);
      expect(body(frame)).to.include({ ok: 1 });
    } finally {
      raw.close();
    }
  });
});

import net from 'node:net';
import { BSON, Binary, type Document, Long } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { FrameReader, encodeMsg } from '../src/wire.js';
import { expect } from './support/chai.js';

/**
 * What a database outage does to writes in flight (the reliability suite's "database drops every connection"): a
 * connection reset before the reply. The server may or may not have run the write; it must never answer a resend as
 * if the first attempt had not run (stripe-mirror's test/sync/connection-loss.test.ts checks its sync engine's side).
 */

/**
 * Sends one OP_MSG and resolves with the reply's body. `lose: true` resets the socket the moment the reply's first
 * bytes arrive instead: the server ran the command, the client never saw the answer (a driver would resend).
 */
function roundTrip(port: number, command: Document, options: { lose?: boolean } = {}): Promise<Document | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(encodeMsg(0, command)));
    socket.once('error', reject);
    const reader = new FrameReader((frame) => {
      socket.destroy();
      resolve(BSON.deserialize(frame.subarray(21)));
    });
    socket.on('data', (chunk: Buffer) => {
      if (!options.lose) return reader.push(chunk);
      socket.resetAndDestroy();
      resolve(undefined);
    });
  });
}

describe('embedded MongoDB: writes cut by a lost connection', () => {
  let mongo: EmbeddedMongo;

  beforeEach(async () => {
    mongo = await startEmbeddedMongo();
  });

  afterEach(async () => {
    await mongo.stop();
  });

  it('answers a write resent after its reply was lost with the first reply, applying it once', async () => {
    const lsid = { id: new Binary(Buffer.alloc(16, 9), 4) };
    const update = {
      update: 'retried',
      updates: [{ q: { _id: 'cus_1' }, u: { $inc: { applied: 1 } }, upsert: true }],
      lsid,
      txnNumber: Long.fromNumber(1),
      $db: 'connection_loss',
    };
    await roundTrip(mongo.port, update, { lose: true });
    const resent = await roundTrip(mongo.port, update);
    expect(resent).to.include({ n: 1, nModified: 0, ok: 1 });
    expect(resent?.upserted).to.deep.equal([{ index: 0, _id: 'cus_1' }]);
    const found = await roundTrip(mongo.port, { find: 'retried', filter: {}, $db: 'connection_loss' });
    expect(found?.cursor.firstBatch).to.deep.equal([{ _id: 'cus_1', applied: 1 }]);
  });

  it('does not run a frame cut short by a reset, so the resend applies the write once', async () => {
    const lsid = { id: new Binary(Buffer.alloc(16, 10), 4) };
    const update = {
      update: 'partial',
      updates: [{ q: { _id: 'cus_2' }, u: { $inc: { applied: 1 } }, upsert: true }],
      lsid,
      txnNumber: Long.fromNumber(1),
      $db: 'connection_loss',
    };
    const message = encodeMsg(0, update);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(mongo.port, '127.0.0.1', () => {
        socket.write(message.subarray(0, message.length - 7), () => {
          socket.resetAndDestroy();
          resolve();
        });
      });
      socket.once('error', reject);
    });
    const resent = await roundTrip(mongo.port, update);
    expect(resent).to.include({ n: 1, ok: 1 });
    const found = await roundTrip(mongo.port, { find: 'partial', filter: {}, $db: 'connection_loss' });
    expect(found?.cursor.firstBatch).to.deep.equal([{ _id: 'cus_2', applied: 1 }]);
  });

  it('refuses a retryable write older than the newest of its session, so a late first attempt never runs', async () => {
    const lsid = { id: new Binary(Buffer.alloc(16, 11), 4) };
    const write = (txnNumber: number, value: string): Document => ({
      update: 'late',
      updates: [{ q: { _id: 'cus_3' }, u: { $set: { value } }, upsert: true }],
      lsid,
      txnNumber: Long.fromNumber(txnNumber),
      $db: 'connection_loss',
    });
    await roundTrip(mongo.port, write(2, 'newer'));
    expect(await roundTrip(mongo.port, write(1, 'older'))).to.include({ ok: 0, codeName: 'TransactionTooOld' });
    const found = await roundTrip(mongo.port, { find: 'late', filter: {}, $db: 'connection_loss' });
    expect(found?.cursor.firstBatch).to.deep.equal([{ _id: 'cus_3', value: 'newer' }]);
  });

  it('never answers a different command under a recorded txnNumber with the recorded reply', async () => {
    const lsid = { id: new Binary(Buffer.alloc(16, 12), 4) };
    const session = { lsid, txnNumber: Long.fromNumber(1), $db: 'connection_loss' };
    await roundTrip(mongo.port, { insert: 'events', documents: [{ _id: 'evt_1' }], ...session });
    const other = await roundTrip(mongo.port, { update: 'objects', updates: [{ q: { _id: 'cus_4' }, u: { $set: { a: 1 } }, upsert: true }], ...session });
    expect(other).to.include({ ok: 0, codeName: 'IllegalOperation' });
  });

  it('frames a message whose 4-byte length arrives split across chunks', () => {
    const frames: Buffer[] = [];
    const reader = new FrameReader((frame) => frames.push(Buffer.from(frame)));
    const message = encodeMsg(3, { ping: 1, $db: 'admin' });
    reader.push(message.subarray(0, 2));
    reader.push(message.subarray(2));
    expect(frames).to.have.length(1);
    expect(Buffer.compare(frames[0] as Buffer, message)).to.equal(0);
  });
});

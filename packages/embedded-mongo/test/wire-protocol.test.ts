import { BSON, Binary, type Document, Long, MongoClient } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { expect } from './support/chai.js';
import { RawConnection } from './raw-connection.js';

function msgBody(frame: Buffer): Document {
  return BSON.deserialize(frame.subarray(21));
}

describe('embedded MongoDB wire protocol', () => {
  let mongo: EmbeddedMongo;
  let raw: RawConnection;

  beforeEach(async () => {
    mongo = await startEmbeddedMongo();
    raw = await RawConnection.open(mongo.port);
  });

  afterEach(async () => {
    raw.close();
    await mongo.stop();
  });

  it('answers a legacy OP_QUERY isMaster with an OP_REPLY', async () => {
    const name = Buffer.from('admin.$cmd\0');
    const counts = Buffer.alloc(8);
    counts.writeInt32LE(-1, 4);
    raw.send(7, 2004, Buffer.concat([Buffer.alloc(4), name, counts, BSON.serialize({ isMaster: 1 })]));
    const frame = await raw.next();
    expect(frame?.readInt32LE(8)).to.equal(7);
    expect(frame?.readInt32LE(12)).to.equal(1);
    expect(frame?.readInt32LE(32)).to.equal(1);
    const reply = BSON.deserialize((frame as Buffer).subarray(36));
    expect(reply).to.include({ ismaster: true, ok: 1 });
    expect(reply).to.not.have.property('compression');
  });

  it('answers OP_MSG with an OP_MSG carrying the request id', async () => {
    raw.sendMsg(9, { ping: 1, $db: 'admin' });
    const frame = await raw.next();
    expect(frame?.readInt32LE(8)).to.equal(9);
    expect(frame?.readInt32LE(12)).to.equal(2013);
    expect(msgBody(frame as Buffer)).to.include({ ok: 1 });
  });

  it('merges a kind-1 document sequence into the command', async () => {
    raw.sendMsg(11, { insert: 'seq', $db: 'wire' }, 0, { id: 'documents', docs: [{ _id: 1 }, { _id: 2 }] });
    expect(msgBody((await raw.next()) as Buffer)).to.include({ n: 2, ok: 1 });
  });

  it('sends no reply to a moreToCome (w:0) message but still applies it', async () => {
    raw.sendMsg(12, { insert: 'quiet', documents: [{ _id: 1 }], writeConcern: { w: 0 }, $db: 'wire' }, 2);
    raw.sendMsg(13, { count: 'quiet', $db: 'wire' });
    const frame = await raw.next();
    expect(frame?.readInt32LE(8)).to.equal(13);
    expect(msgBody(frame as Buffer)).to.include({ n: 1 });
  });

  it('answers a retried retryable write from its first execution instead of applying it twice', async () => {
    const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
    const insert = { insert: 'retry', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(1), $db: 'wire' };
    raw.sendMsg(16, insert);
    expect(msgBody((await raw.next()) as Buffer)).to.include({ n: 1, ok: 1 });
    raw.sendMsg(17, insert);
    const retried = msgBody((await raw.next()) as Buffer);
    expect(retried).to.include({ n: 1, ok: 1 });
    expect(retried).to.not.have.property('writeErrors');
    raw.sendMsg(18, { insert: 'retry', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(2), $db: 'wire' });
    expect(msgBody((await raw.next()) as Buffer).writeErrors).to.have.length(1);
  });

  it('holds a streaming hello until maxAwaitTimeMS and answers with the same topologyVersion', async () => {
    raw.sendMsg(14, { hello: 1, $db: 'admin' });
    const first = msgBody((await raw.next()) as Buffer);
    const startedAt = Date.now();
    raw.sendMsg(15, { hello: 1, topologyVersion: first.topologyVersion, maxAwaitTimeMS: 300, $db: 'admin' });
    const second = msgBody((await raw.next()) as Buffer);
    expect(Date.now() - startedAt).to.be.at.least(250);
    expect(String(second.topologyVersion.processId)).to.equal(String(first.topologyVersion.processId));
  });

  it('serves unacknowledged writes from the driver', async () => {
    const client = await new MongoClient(mongo.uri).connect();
    try {
      const coll = client.db('wire').collection<{ _id: number }>('w0');
      await coll.insertOne({ _id: 1 }, { writeConcern: { w: 0 } });
      expect(await coll.countDocuments()).to.equal(1);
    } finally {
      await client.close();
    }
  });
});

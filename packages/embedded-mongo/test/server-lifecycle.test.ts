import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { type EmbeddedMongo, startEmbeddedMongo } from '../src/index.js';
import { expect } from './support/chai.js';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('startEmbeddedMongo()', () => {
  const started: EmbeddedMongo[] = [];
  const start = async (options?: Parameters<typeof startEmbeddedMongo>[0]) => {
    const mongo = await startEmbeddedMongo(options);
    started.push(mongo);
    return mongo;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((m) => m.stop()));
  });

  it('listens on an ephemeral port by default and reports it in the uri', async () => {
    const mongo = await start();
    expect(mongo.port).to.be.greaterThan(0);
    expect(mongo.uri).to.match(new RegExp(`^mongodb://127\\.0\\.0\\.1:${mongo.port}/`));
  });

  it('listens on the requested port', async () => {
    const probe = await start();
    const port = probe.port;
    await probe.stop();
    const mongo = await start({ port });
    expect(mongo.port).to.equal(port);
  });

  it('rejects when the port is already taken', async () => {
    const first = await start();
    await expect(startEmbeddedMongo({ port: first.port })).to.be.rejectedWith(/EADDRINUSE/);
  });

  it('serves the mongodb driver through its uri as-is', async () => {
    const mongo = await start();
    const client = await new MongoClient(mongo.uri).connect();
    try {
      await client.db('life').collection('c').insertOne({ _id: 1 } as never);
      expect(await client.db('life').collection('c').countDocuments()).to.equal(1);
    } finally {
      await client.close();
    }
  });

  it('keeps separate data per server', async () => {
    const a = await start();
    const b = await start();
    const clientA = await new MongoClient(a.uri).connect();
    const clientB = await new MongoClient(b.uri).connect();
    try {
      await clientA.db('life').collection('c').insertOne({ _id: 1 } as never);
      expect(await clientB.db('life').collection('c').countDocuments()).to.equal(0);
    } finally {
      await Promise.all([clientA.close(), clientB.close()]);
    }
  });

  it('stop() closes the listener and open connections promptly, and can be called twice', async () => {
    const mongo = await start();
    const client = await new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 500 }).connect();
    const startedAt = Date.now();
    await mongo.stop();
    await mongo.stop();
    expect(Date.now() - startedAt, 'stop() must not wait for clients to disconnect').to.be.lessThan(5000);
    expect(await portIsFree(mongo.port)).to.equal(true);
    await expect(client.db('life').command({ ping: 1 })).to.be.rejected;
    await client.close();
  });

  it('counts commands by name, keeping heartbeats apart', async () => {
    const mongo = await start();
    const client = await new MongoClient(mongo.uri).connect();
    try {
      await client.db('life').collection('c').insertOne({ _id: 1 } as never);
      await client.db('life').collection('c').findOne({});
      await client.db('life').command({ ping: 1 });
    } finally {
      await client.close();
    }
    const stats = mongo.stats();
    expect(stats.commandsByName).to.include({ insert: 1, find: 1 });
    expect(stats.commandsByName).to.not.have.property('hello');
    expect(stats.commandsByName).to.not.have.property('ping');
    expect(stats.heartbeats).to.be.greaterThan(0);
    expect(stats.commands).to.equal(Object.values(stats.commandsByName).reduce((a, b) => a + b, 0));
  });

  it('reports a single-member replica set by default', async () => {
    const mongo = await start();
    const client = await new MongoClient(mongo.uri).connect();
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello).to.include({ isWritablePrimary: true, setName: 'rs0', secondary: false, primary: `127.0.0.1:${mongo.port}` });
      expect(hello.hosts).to.deep.equal([`127.0.0.1:${mongo.port}`]);
      expect(hello.maxWireVersion).to.be.at.least(8);
    } finally {
      await client.close();
    }
  });

  it('acts as a standalone server when replicaSet is false', async () => {
    const mongo = await start({ replicaSet: false });
    const client = await new MongoClient(mongo.uri).connect();
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello).to.include({ isWritablePrimary: true });
      expect(hello).to.not.have.property('setName');
      await client.db('life').collection('c').insertOne({ _id: 0 } as never);
      const session = client.startSession();
      session.startTransaction();
      await expect(client.db('life').collection('c').insertOne({ _id: 1 } as never, { session })).to.be.rejectedWith(/does not support|Transaction numbers/);
      await session.endSession();
    } finally {
      await client.close();
    }
  });

  it('runs as its own process (standalone.ts) and stops on SIGTERM', async () => {
    const entry = fileURLToPath(new URL('../src/standalone.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { uri } = JSON.parse(line) as { uri: string };
      const connection = await mongoose.createConnection(uri, { dbName: 'separate_process' }).asPromise();
      const Thing = connection.model('Thing', new mongoose.Schema({ _id: String, n: Number }));
      await Thing.bulkWrite([{ updateOne: { filter: { _id: 'a' }, update: { $set: { n: 1 } }, upsert: true } }]);
      expect(await Thing.countDocuments()).to.equal(1);
      await connection.close();
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
  });
});

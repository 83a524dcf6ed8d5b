import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { buildFuzzCases } from '../../bench/harness/fuzz.js';
import { buildLifecycleStream } from '../../bench/harness/lifecycle-stream.js';
import { deliverAll, type Delivery } from '../../bench/harness/loadgen.js';
import { compareMirrors } from '../../bench/harness/oracle.js';
import { expect } from '../support/chai.js';

const SECRET = 'whsec_harness';

describe('load harness: buildLifecycleStream()', () => {
  const stream = buildLifecycleStream({ customers: 50, seed: 1, duplicateRate: 0.1 });

  it('makes 20 events per customer, each once in order, and delivers 10% of them twice', () => {
    expect(stream.inOrder).to.have.length(1_000);
    expect(new Set(stream.inOrder.map((e) => e.id)).size).to.equal(1_000);
    expect(stream.deliveries).to.have.length(1_100);
  });

  it('never lets `created` go back for one object, and shares seconds between objects', () => {
    const last = new Map<string, number>();
    for (const event of stream.inOrder) {
      expect(event.created).to.be.at.least(last.get(event.data.object.id) ?? 0);
      last.set(event.data.object.id, event.created);
    }
    const perSecond = new Map<number, number>();
    for (const event of stream.inOrder) perSecond.set(event.created, (perSecond.get(event.created) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).to.be.above(20);
  });

  it('is the same for the same seed and different for another', () => {
    const again = buildLifecycleStream({ customers: 50, seed: 1, duplicateRate: 0.1 });
    const other = buildLifecycleStream({ customers: 50, seed: 2, duplicateRate: 0.1 });
    expect(again.deliveries.map((e) => e.id)).to.deep.equal(stream.deliveries.map((e) => e.id));
    expect(other.inOrder[0]?.id).to.not.equal(stream.inOrder[0]?.id);
  });
});

describe('load harness: buildFuzzCases()', () => {
  const seeds = buildLifecycleStream({ customers: 5, seed: 3, duplicateRate: 0 }).inOrder;

  it('is deterministic for a seed', () => {
    const a = buildFuzzCases(seeds, { count: 200, seed: 9 });
    const b = buildFuzzCases(seeds, { count: 200, seed: 9 });
    expect(a.map((c) => c.delivery)).to.deep.equal(b.map((c) => c.delivery));
  });

  it('marks every forged or unparseable delivery as one to reject', () => {
    const cases = buildFuzzCases(seeds, { count: 500, seed: 9 });
    for (const c of cases.filter((x) => x.delivery.sign !== 'valid')) expect(c.mustReject).to.equal(true);
    expect(cases.filter((c) => c.kind === 'truncated' || c.kind === 'not-json').every((c) => c.mustReject)).to.equal(true);
    expect(cases.some((c) => c.kind === 'operator-keys')).to.equal(true);
  });
});

describe('load harness: compareMirrors()', () => {
  const doc = (id: string, status: string, syncedAt: Date) => ({ _id: id, status, _mirror: { watermark: 1, rank: 0, syncedAt, source: 'webhook', sourceId: 'evt_1' } });

  it('ignores when and through which delivery a document was written', () => {
    const diff = compareMirrors([doc('a', 'x', new Date(1))], [{ ...doc('a', 'x', new Date(2)), _mirror: { watermark: 1, rank: 0, syncedAt: new Date(2), source: 'replay', sourceId: 'evt_2' } }]);
    expect(diff).to.deep.equal({ missing: [], extra: [], different: [] });
  });

  it('reports missing, extra and different documents with the first differing path', () => {
    const diff = compareMirrors([doc('a', 'x', new Date()), doc('c', 'y', new Date())], [doc('a', 'z', new Date()), doc('b', 'y', new Date())]);
    expect(diff.missing).to.deep.equal(['b']);
    expect(diff.extra).to.deep.equal(['c']);
    expect(diff.different).to.deep.equal([{ id: 'a', path: 'status', actual: 'x', expected: 'z' }]);
  });
});

describe('load harness: deliverAll()', () => {
  let server: http.Server;
  let url: string;
  const answers = new Map<string, number[]>();

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        let status: number;
        try {
          Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature'] ?? ''), SECRET);
          const script = answers.get(body) ?? [];
          status = script.shift() ?? 200;
        } catch {
          status = 400;
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const retry = { maxAttempts: 5, maxElapsedMs: 5_000, baseDelayMs: 1, maxDelayMs: 5 };

  it('redelivers on 5xx and 409 until a 2xx, like Stripe', async () => {
    answers.set('{"n":1}', [500, 409, 503]);
    const result = await deliverAll({ url, secret: SECRET, concurrency: 2, retry, deliveries: [{ body: '{"n":1}', sign: 'valid' }] });
    expect(result.finalStatuses).to.deep.equal([200]);
    expect(result.attempts).to.equal(4);
  });

  it('gives up after maxAttempts and reports the delivery as lost', async () => {
    answers.set('{"n":2}', [500, 500, 500, 500, 500, 500]);
    const result = await deliverAll({ url, secret: SECRET, concurrency: 2, retry, deliveries: [{ body: '{"n":2}', sign: 'valid' }] });
    expect(result.lost).to.deep.equal([0]);
    expect(result.attempts).to.equal(5);
  });

  it('signs valid deliveries so the SDK accepts them, and forges the others so it does not', async () => {
    const modes: Delivery['sign'][] = ['valid', 'wrong-secret', 'missing', 'malformed', 'stale', 'tampered'];
    const result = await deliverAll({ url, secret: SECRET, concurrency: 3, retry: null, deliveries: modes.map((sign) => ({ body: '{"n":3}', sign })) });
    expect(result.finalStatuses).to.deep.equal([200, 400, 400, 400, 400, 400]);
  });

  it('counts a refused connection as status 0 and retries it', async () => {
    const closed = `http://127.0.0.1:1/hook`;
    const result = await deliverAll({ url: closed, secret: SECRET, concurrency: 1, retry: { ...retry, maxAttempts: 3 }, deliveries: [{ body: '{}', sign: 'valid' }] });
    expect(result.connectionErrors).to.equal(3);
    expect(result.lost).to.deep.equal([0]);
  });
});

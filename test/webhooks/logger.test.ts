import { Console } from 'node:console';
import { PassThrough, Writable } from 'node:stream';
import { pino } from 'pino';
import winston from 'winston';
import { createWebhookHandler, type WebhookLogger } from '../../src/webhooks/index.js';
import { expect } from '../support/chai.js';
import { fixtureEvents, SECRET, signatureHeader } from './support.js';

/** A writable collecting what a logger writes, one entry per write. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}

/** Delivers a customer.created event signed with the wrong secret through a handler logging to `logger`. */
async function rejectForgedDelivery(logger: WebhookLogger): Promise<void> {
  const payload = JSON.stringify(fixtureEvents('current').find(({ file }) => file === 'customer.created.json')?.event);
  const response = await createWebhookHandler({ secrets: [SECRET], logger }).handle({
    rawBody: payload,
    headers: { 'stripe-signature': signatureHeader(payload, 'whsec_forged_0123456789') },
  });
  expect(response.status).to.equal(400);
}

describe('the logger option', () => {
  it('takes pino as it is: the reason of a rejection arrives as a field, beside the message', async () => {
    const { stream, lines } = capture();
    await rejectForgedDelivery(pino(stream));
    const entry = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(entry).to.include({ level: 40, msg: 'stripe webhook rejected', reason: 'signature_mismatch' });
  });

  it('takes a pino child logger too, keeping its bindings', async () => {
    const { stream, lines } = capture();
    await rejectForgedDelivery(pino(stream).child({ component: 'webhooks' }));
    expect(JSON.parse(lines.join(''))).to.include({ component: 'webhooks', reason: 'signature_mismatch', msg: 'stripe webhook rejected' });
  });

  it('takes winston as it is: its (message, meta) signature already matches', async () => {
    const { stream, lines } = capture();
    const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
    await rejectForgedDelivery(logger);
    expect(JSON.parse(lines.join(''))).to.include({ level: 'warn', message: 'stripe webhook rejected', reason: 'signature_mismatch' });
  });

  it('takes console as it is, printing the message and then the fields', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await rejectForgedDelivery(new Console({ stdout: out, stderr: out }));
    expect(text).to.match(/^stripe webhook rejected \{ reason: 'signature_mismatch' \}/);
  });
});

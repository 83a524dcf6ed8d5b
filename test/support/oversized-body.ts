import { request as httpRequest, type ClientRequest } from 'node:http';
import { signatureHeader } from '../webhooks/support.js';

/** How long a server may take to refuse an oversized body before the test calls it a failure. */
const ANSWER_WITHIN_MS = 5_000;

/**
 * POSTs a signed delivery that declares `Content-Length: declaredBytes` but sends no byte of its body, and resolves
 * with the status answered. A server that tried to read the body first would never answer (the test then fails after
 * a few seconds): a 413 here shows the declared length alone was refused, with nothing buffered.
 */
export function statusForDeclaredLength(url: string, declaredBytes: number): Promise<number> {
  return answered(url, { 'content-type': 'application/json', 'content-length': String(declaredBytes), 'stripe-signature': signatureHeader('{}') }, () => {});
}

/**
 * POSTs a signed chunked delivery, writes one chunk of `firstChunkBytes` and then waits without ending the body.
 * Resolves with the status once answered: a server that buffered the whole body before deciding would never answer,
 * so a 413 here shows the body was refused as soon as it passed the limit.
 */
export function statusForStreamPastLimit(url: string, firstChunkBytes: number): Promise<number> {
  const chunk = `{"padding":"${'x'.repeat(Math.max(0, firstChunkBytes - 14))}"`;
  return answered(url, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'stripe-signature': signatureHeader(chunk) }, (req) => {
    req.write(chunk);
  });
}

function answered(url: string, headers: Record<string, string>, send: (req: ClientRequest) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms while the body was still open`));
    }, ANSWER_WITHIN_MS);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.flushHeaders();
    send(req);
  });
}

import type { IncomingMessage } from 'node:http';
import { WebhookBodyConsumedError, WebhookRejectedError } from './errors.js';

/** Options of {@link readRawBody}. */
export interface ReadRawBodyOptions {
  /** Largest body accepted, in bytes: the handler's `maxBodyBytes`. */
  limit: number;
  /**
   * What a body parser mounted in front left behind, used as the body when it is the exact text or bytes:
   * koa-bodyparser's `ctx.request.rawBody`, `express.raw()`'s `req.body` Buffer, `express.text()`'s string. Anything
   * else (a parsed object, `undefined`) means nothing was kept.
   */
  kept?: unknown;
}

/**
 * Reads a Node request's body exactly as sent, for the signature check. It never holds more than `limit` bytes: a
 * declared `Content-Length` over the limit is refused before reading, and a body that grows past it while streaming is
 * refused at that chunk, the rest drained unread (`req.resume()`). Adapters pass it to the core as a function, so
 * it runs only once the `Stripe-Signature` header is seen, and its rejections are answered by the core's funnel:
 *
 * ```ts
 * await handler.handle({ headers: req.headers, rawBody: () => readRawBody(req, { limit: handler.options.maxBodyBytes, kept: req.body }) });
 * ```
 *
 * Rejects with `WebhookRejectedError('body_too_large')` (413) past the limit, and `WebhookBodyConsumedError` (500,
 * so Stripe retries until the app is fixed) when something read the stream and kept nothing.
 */
export function readRawBody(req: IncomingMessage, options: ReadRawBodyOptions): Promise<Buffer | string> {
  const { limit, kept } = options;
  if (typeof kept === 'string' || Buffer.isBuffer(kept)) return Promise.resolve(kept);
  if (req.readableEnded || req.readableDidRead) return Promise.reject(new WebhookBodyConsumedError());
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      req.resume();
      settle(() => reject(tooLarge(limit)));
    };
    const onEnd = (): void => settle(() => resolve(Buffer.concat(chunks, size)));
    const onError = (err: Error): void => settle(() => reject(err));
    const onClose = (): void => settle(() => reject(new Error('the request closed before its body was complete')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(limit: number): WebhookRejectedError {
  return new WebhookRejectedError('body_too_large', `body exceeds ${limit} bytes`);
}

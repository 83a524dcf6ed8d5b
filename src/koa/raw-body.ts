import type { IncomingMessage } from 'node:http';

/**
 * The raw request body; when it exceeds the limit, only its first `limit + 1` bytes (enough for the core to refuse
 * it with 413 without buffering the rest).
 */
export type RawBody = { body: Buffer | string } | { consumed: true };

/**
 * Reads the request body exactly as sent, at most `limit + 1` bytes. If a body parser already ran and kept the raw
 * text (`ctx.request.rawBody`, as koa-bodyparser does), that text is used; if it consumed the stream without keeping
 * it, the result is `{ consumed: true }` and the router answers 500 (Stripe retries once the app is fixed).
 */
export async function readRawBody(req: IncomingMessage, kept: unknown, limit: number): Promise<RawBody> {
  if (typeof kept === 'string') return { body: kept };
  if (req.readableEnded || req.readableDidRead) return { consumed: true };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { body: Buffer.alloc(limit + 1) };
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        cleanup();
        req.resume();
        resolve({ body: Buffer.concat(chunks).subarray(0, limit + 1) });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ body: Buffer.concat(chunks, size) });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

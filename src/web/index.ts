import { webhookHandlerOf, type WebhookAdapterOptions } from '../webhooks/adapter.js';
import { WebhookBodyConsumedError, WebhookRejectedError } from '../webhooks/errors.js';

export type { WebhookAdapterOptions as StripeWebhookFetchOptions } from '../webhooks/adapter.js';

/**
 * A fetch-style handler, `(request: Request) => Promise<Response>`, answering one Stripe delivery with the
 * framework-free core: Next.js App Router route handlers, Hono, Bun.serve, Deno.serve, Cloudflare-style workers.
 * It reads the body itself under `maxBodyBytes` (a declared `Content-Length` over it is refused unread, a stream is
 * cancelled at the chunk that passes it) and answers JSON with the core's status. A body already read
 * (`request.bodyUsed`) is answered 500 `webhook_body_consumed`.
 *
 * ```ts
 * // app/api/stripe/webhook/route.ts
 * import { stripeWebhookFetchHandler } from 'stripe-mirror/web';
 * export const POST = stripeWebhookFetchHandler({ secrets: [process.env.STRIPE_WEBHOOK_SECRET!] });
 * ```
 */
export function stripeWebhookFetchHandler(options: WebhookAdapterOptions): (request: Request) => Promise<Response> {
  const handler = webhookHandlerOf(options);
  return async (request) => {
    const { status, body } = await handler.handle({
      headers: Object.fromEntries(request.headers),
      rawBody: () => readRequestBody(request, handler.options.maxBodyBytes),
    });
    return Response.json(body, { status });
  };
}

/** The body's bytes, at most `limit` of them held at any time; rejects like `readRawBody` does for Node requests. */
async function readRequestBody(request: Request, limit: number): Promise<Buffer> {
  if (request.bodyUsed) throw new WebhookBodyConsumedError();
  const tooLarge = new WebhookRejectedError('body_too_large', `body exceeds ${limit} bytes`);
  if (Number(request.headers.get('content-length') ?? undefined) > limit) {
    await request.body?.cancel();
    throw tooLarge;
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks, size);
}

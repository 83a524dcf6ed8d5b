/**
 * The throughput ceiling the webhook benchmark compares against: a bare Koa app whose `POST /stripe/webhook` reads
 * the body and answers 200 without verifying or storing anything. Usage: `node koa-baseline-main.ts <port>`.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { exitWhenOrphaned } from './orphan-guard.js';


exitWhenOrphaned();
const port = Number(process.argv[2]);
const app = new Koa();
const router = new Router();
router.get('/healthz', (ctx) => {
  ctx.body = { ok: true };
});
router.post('/stripe/webhook', async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.status = 200;
  ctx.body = { received: true, bytes: Buffer.concat(chunks).length };
});
app.use(router.routes()).use(router.allowedMethods());
app.listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`));

/**
 * Entry point of the load-generator process. Reads a {@link LoadProcessJob} as JSON on stdin, the deliveries from
 * the NDJSON file it names, prints `PROGRESS <n>` every `progressEvery` finished deliveries and finally one line
 * `RESULT <json LoadResult>`. Started by `startLoadGenerator()`; not meant to be run by hand.
 */
import { readFile } from 'node:fs/promises';
import { deliverAll, type Delivery } from './loadgen.js';
import type { LoadProcessJob } from './loadgen-process.js';
import { exitWhenOrphaned } from './orphan-guard.js';

exitWhenOrphaned();
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadProcessJob;
const deliveries = (await readFile(job.deliveriesFile, 'utf8'))
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as Delivery);

const result = await deliverAll({
  url: job.url,
  secret: job.secret,
  concurrency: job.concurrency,
  deliveries,
  retry: job.retry,
  ...(job.requestTimeoutMs ? { requestTimeoutMs: job.requestTimeoutMs } : {}),
  onProgress: (completed) => {
    if (completed % job.progressEvery === 0) process.stdout.write(`PROGRESS ${completed}\n`);
  },
});
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);

/**
 * Our side's database process: the embedded MongoDB, built, like `harness/mongo-main.ts` (URI as the first
 * stdout line, ends with its parent), that also answers a line `stats <n>` on stdin with `STATS <n> <json>` (its
 * command counters), so the bench counts commands per delivery while the database keeps a process of its own
 * (and its own CPU figure). Usage: `node --import tsx mongo-stats-main.ts`; started by `startStatsDatabase()`.
 */
import { createInterface } from 'node:readline';
import { exitWhenOrphaned } from '../harness/orphan-guard.js';

exitWhenOrphaned();
const { startEmbeddedMongo } = await import('@stripe-mirror/embedded-mongo');
const mongo = await startEmbeddedMongo();
process.stdout.write(`${mongo.uri}\n`);
process.once('SIGTERM', () => void mongo.stop().then(() => process.exit(0)));
for await (const line of createInterface({ input: process.stdin })) {
  const request = /^stats (\d+)$/.exec(line.trim());
  if (request) process.stdout.write(`STATS ${request[1]} ${JSON.stringify(mongo.stats())}\n`);
}

/**
 * The database process of the fault suite and the benches: the built embedded MongoDB (@stripe-mirror/embedded-mongo),
 * printing its URI as the first stdout line like `stripe-mirror mongo`, and ending with its parent. Usage: `node mongo-main.ts [port]`.
 */
import { exitWhenOrphaned } from './orphan-guard.js';

exitWhenOrphaned();
const { startEmbeddedMongo } = await import('@stripe-mirror/embedded-mongo');
const mongo = await startEmbeddedMongo({ port: Number(process.argv[2] ?? 0) });
process.stdout.write(`${mongo.uri}\n`);
process.once('SIGTERM', () => void mongo.stop().then(() => process.exit(0)));

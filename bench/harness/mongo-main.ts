/**
 * The database process of the fault suite and the benches: the embedded MongoDB from `dist/`, printing its URI as
 * the first stdout line like `stripe-mirror mongo`, and ending with its parent. Usage: `node mongo-main.ts [port]`.
 */
import { loadDist } from './dist.js';
import { exitWhenOrphaned } from './orphan-guard.js';

exitWhenOrphaned();
const { startEmbeddedMongo } = await loadDist<typeof import('../../src/embedded-mongo/index.js')>('embedded-mongo/index.js');
const mongo = await startEmbeddedMongo({ port: Number(process.argv[2] ?? 0) });
process.stdout.write(`${mongo.uri}\n`);
process.once('SIGTERM', () => void mongo.stop().then(() => process.exit(0)));

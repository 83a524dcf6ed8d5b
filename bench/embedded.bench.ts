import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import mongoose from 'mongoose';

/**
 * `embedded_bulk_upserts_per_s`: 10,000 mongoose `Model.bulkWrite` upserts (updateOne + upsert, batches of 1,000,
 * shaped like the sync engine's guarded upserts) against the embedded server running in its own process. One
 * unmeasured round warms both processes' JIT first; the measured round inserts every document anew.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = 10_000;
const BATCH = 1_000;

function startServerProcess(): Promise<{ child: ChildProcess; uri: string }> {
  const built = path.join(root, 'packages/embedded-mongo/dist/standalone.js');
  const args = existsSync(built) ? [built] : ['--import', 'tsx', path.join(root, 'packages/embedded-mongo/src/standalone.ts')];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`embedded server exited with ${String(code)}`)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve({ child, uri: (JSON.parse(line) as { uri: string }).uri }));
  });
}

function upserts(round: number, offset: number): mongoose.AnyBulkWriteOperation[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const id = `cus_${String(offset + i).padStart(6, '0')}`;
    return {
      updateOne: {
        filter: { _id: id, $or: [{ '_mirror.watermark': { $lt: round } }, { _mirror: { $exists: false } }] },
        update: { $set: { id, object: 'customer', email: `${id}@example.com`, metadata: { 'a.b': 'x', $c: 'y' }, _mirror: { watermark: round, rank: 1 } } },
        upsert: true,
      },
    };
  });
}

export default async function embeddedBench(): Promise<Record<string, number>> {
  const { child, uri } = await startServerProcess();
  const connection = await mongoose.createConnection(uri, { dbName: 'bench_embedded' }).asPromise();
  try {
    const schema = new mongoose.Schema(
      { _id: String, id: String, object: String, email: String, metadata: mongoose.Schema.Types.Mixed, _mirror: { watermark: Number, rank: Number } },
      { strict: false, collection: 'bench_objects', versionKey: false },
    );
    const Model = connection.model('BenchObject', schema);
    for (let offset = 0; offset < TOTAL; offset += BATCH) await Model.bulkWrite(upserts(0, offset), { ordered: false });
    await Model.deleteMany({});
    const started = performance.now();
    for (let offset = 0; offset < TOTAL; offset += BATCH) {
      await Model.bulkWrite(upserts(1, offset), { ordered: false });
    }
    const seconds = (performance.now() - started) / 1000;
    return { embedded_bulk_upserts_per_s: Math.round(TOTAL / seconds) };
  } finally {
    await connection.close();
    child.kill('SIGTERM');
  }
}

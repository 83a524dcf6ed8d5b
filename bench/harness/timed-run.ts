import { MongoClient } from 'mongodb';
import { ManagedProcess, processMemory } from './processes.js';
import { PROJECT_ROOT } from './stack.js';

/** Runs a node program to completion, sampling its peak RSS. */
export async function timedRun(name: string, args: string[]): Promise<{ seconds: number; peakRssMb: number; output: string }> {
  const started = performance.now();
  const child = ManagedProcess.start({ name, command: process.execPath, args, cwd: PROJECT_ROOT });
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    processMemory(child.pid).then(
      (memory) => void (Number.isFinite(memory.peakRssMb) && (peakRssMb = Math.max(peakRssMb, memory.peakRssMb))),
      () => undefined,
    );
  }, 25);
  const exit = await child.exited;
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (exit.code !== 0) throw new Error(`${name} failed (${exit.code ?? exit.signal})\n${child.output()}`);
  console.error(`bench: ${name}: ${seconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB`);
  return { seconds, peakRssMb, output: child.output() };
}

/** Documents in `stripe_objects` of `dbName`. */
export async function countStoredObjects(uri: string, dbName: string): Promise<number> {
  const client = await new MongoClient(uri).connect();
  try {
    return await client.db(dbName).collection('stripe_objects').countDocuments();
  } finally {
    await client.close();
  }
}

import path from 'node:path';

/**
 * `BENCH_CPU_PROF=<dir>` makes the benchmarks start the measured server processes with `node --cpu-prof`, writing
 * `.cpuprofile` files to `<dir>/<process name>/` when they exit (one per thread: the main thread's is the largest) (open them in Chrome DevTools, or summarise with
 * `node --import tsx bench/harness/profile-summary.ts <file>`).
 */
export function profilingNodeArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', path.join(dir, name)] : [];
}

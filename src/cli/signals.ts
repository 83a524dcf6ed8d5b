/**
 * Resolves on the first SIGINT or SIGTERM, so long-running commands (`mongo`, `serve`) can shut down cleanly instead
 * of being killed mid-write. A second signal while shutting down exits at once. Call it before announcing readiness,
 * so a signal sent right after the announcement is never missed.
 *
 * ```ts
 * const shutdown = waitForShutdownSignal();
 * const server = await start();
 * console.log(server.url);
 * await shutdown;
 * await server.stop();
 * ```
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

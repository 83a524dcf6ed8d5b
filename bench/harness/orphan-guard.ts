/**
 * Child processes of the harness call this so they end when their parent dies without cleaning up (a mocha run
 * killed by a timeout, Ctrl-C): an orphan is re-parented, so a changed `process.ppid` means nobody will stop us.
 */
export function exitWhenOrphaned(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 500).unref();
}

#!/usr/bin/env node
// Launcher for the `stripe-mirror` CLI: the commands live in dist/cli, built by `npm run build`.
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/main.js')) throw err;
  process.stderr.write("stripe-mirror: the compiled CLI (dist/) is missing: run 'npm run build' in the package first\n");
  process.exit(1);
}
process.exit(await cli.main(process.argv.slice(2)));

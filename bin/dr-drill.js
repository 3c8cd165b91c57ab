#!/usr/bin/env node
// Launcher for the drill CLI: catches SIGINT/SIGTERM from the first moment (loading the CLI
// takes a while), then hands over to harness/cli, which takes over the signals, and exits with
// its code. In a checkout (harness/cli.ts is here) it registers tsx and runs the TypeScript
// sources as they are, so a dist/ left by an earlier build never runs stale code; the published
// package ships no sources and runs the compiled dist/harness/cli.js.
import { existsSync } from 'node:fs';

const early = [];
const hold = (sig) => early.push({ sig, at: Date.now() });
process.on('SIGINT', hold);
process.on('SIGTERM', hold);
const sources = new URL('../harness/cli.ts', import.meta.url);
let cli;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(sources.href);
} else {
  cli = await import('../dist/harness/cli.js');
}
cli.installSignalHandlers(early);
process.off('SIGINT', hold);
process.off('SIGTERM', hold);
process.exit(await cli.main(process.argv.slice(2)));

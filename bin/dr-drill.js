#!/usr/bin/env node
// Launcher for the drill CLI: catches SIGINT/SIGTERM from the first moment (loading the
// TypeScript sources takes a while), registers tsx so Node runs them as they are, then hands
// over to harness/cli.ts, which takes over the signals, and exits with its code.
import { register } from 'tsx/esm/api';

const early = [];
const hold = (sig) => early.push({ sig, at: Date.now() });
process.on('SIGINT', hold);
process.on('SIGTERM', hold);
register();
const { installSignalHandlers, main } = await import('../harness/cli.ts');
installSignalHandlers(early);
process.off('SIGINT', hold);
process.off('SIGTERM', hold);
process.exit(await main(process.argv.slice(2)));

#!/usr/bin/env node
// Launcher for the drill CLI: registers tsx so Node runs the TypeScript sources as they are,
// then hands over to harness/cli.ts and exits with its code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli.ts');
process.exit(await main(process.argv.slice(2)));

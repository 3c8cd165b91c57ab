#!/usr/bin/env node
/**
 * `npm run mutate [-- --place <name>] [stryker options]`: runs `stryker run` with the place in
 * STRYKER_PLACE (stryker.config.mjs reads it), since Stryker's command line accepts no options of
 * its own. Any other argument goes to Stryker as given (`--force`, `--mutate file.ts:10-12`, ...).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { placeName, selectPlaces } from './places.mjs';

const args = process.argv.slice(2);
const name = placeName(args, process.env);
try {
  selectPlaces(name);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const rest = args.filter((a, i) => a !== '--place' && args[i - 1] !== '--place' && !a.startsWith('--place='));
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
const env = name === undefined ? process.env : { ...process.env, STRYKER_PLACE: name };
const run = spawnSync(process.execPath, [stryker, 'run', ...rest], { stdio: 'inherit', env });
process.exit(run.status ?? 1);

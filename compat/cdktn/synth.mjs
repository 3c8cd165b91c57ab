// `node --import ./register.mjs synth.mjs <outdir> <configs.json>`: synthesizes the project's stack
// (stacks/synth.ts, unchanged) with CDK Terrain once per entry of configs.json (label → config
// input, loaded as the drill loads it, without the environment) into <outdir>/<label>, and prints
// each stack's directory as JSON (label → directory).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { synthesize } from '../../stacks/synth.ts';

const [outdir, configsFile] = process.argv.slice(2);
if (!outdir || !configsFile) throw new Error('usage: node --import ./register.mjs synth.mjs <outdir> <configs.json>');
const configs = JSON.parse(readFileSync(configsFile, 'utf8'));
const dirs = {};
// The App creates its outdir, not missing parents of it.
mkdirSync(outdir, { recursive: true });
for (const [label, overrides] of Object.entries(configs)) {
  dirs[label] = synthesize(loadConfig({ env: {}, overrides }), join(outdir, label)).stackDir;
}
console.log(JSON.stringify(dirs));

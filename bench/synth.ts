/**
 * Synthesis time: `cdktf synth` (the CLI, as `npm run synth` runs it) and the app command
 * alone (`tsx main.ts`), 5 runs each, medians. Usage: npx tsx bench/synth.ts [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { median } from './stats.js';

async function timeCommand(cmd: string, args: string[], env: Record<string, string>, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'ef-bench-synth-'));
    const start = performance.now();
    await execa(cmd, args, { env: { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, stdio: 'ignore', timeout: 120_000 });
    samples.push(performance.now() - start);
    rmSync(outdir, { recursive: true, force: true });
  }
  return samples;
}

export async function benchSynth(runs = 5) {
  const cliOut = mkdtempSync(join(tmpdir(), 'ef-bench-cli-'));
  const cli = await timeCommand('npx', ['cdktf', 'synth', '--output', cliOut], {}, runs);
  rmSync(cliOut, { recursive: true, force: true });
  const app = await timeCommand('npx', ['tsx', 'main.ts'], {}, runs);
  return {
    runs,
    cdktfSynthMs: { median: median(cli), samples: cli },
    appCommandMs: { median: median(app), samples: app },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } }, strict: false });
  const r = await benchSynth(Number(values.runs));
  console.log(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Math.round(v) : v), 2));
}

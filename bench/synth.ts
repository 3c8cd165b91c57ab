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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } }, strict: false });
const runs = Number(values.runs);

async function timeCommand(cmd: string, args: string[], env: Record<string, string>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'ef-bench-synth-'));
    const start = performance.now();
    await execa(cmd, args, { env: { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, stdio: 'ignore' });
    samples.push(performance.now() - start);
    rmSync(outdir, { recursive: true, force: true });
  }
  return samples;
}

export async function benchSynth() {
  const cli = await timeCommand('npx', ['cdktf', 'synth', '--output', mkdtempSync(join(tmpdir(), 'ef-bench-cli-'))], {});
  const app = await timeCommand('npx', ['tsx', 'main.ts'], {});
  return {
    runs,
    cdktfSynthMs: { median: median(cli), samples: cli },
    appCommandMs: { median: median(app), samples: app },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchSynth();
  console.log(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Math.round(v) : v), 2));
}

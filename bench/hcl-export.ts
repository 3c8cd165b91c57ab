/**
 * Export time for the default stack, median of 5 runs (the budget is 5 s).
 * - cold: `node --import tsx hcl/cli.ts --out <tmp>` as `npm run export:hcl` runs it: process
 *   start, synthesis, conversion, writing and verification;
 * - warm: the same phases in one process, after a first run has loaded the code, the provider
 *   bindings and the HCL parser.
 * Usage: npx tsx bench/hcl-export.ts [runs]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { loadConfig } from '../config/index.js';
import { synthesize } from '../stacks/synth.js';
import { exportStack } from '../hcl/export.js';
import { verifyModule } from '../hcl/verify.js';
import { median } from './stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_MS = 5_000;

async function cold(): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'hcl-bench-cli-'));
  try {
    const started = performance.now();
    await execa(process.execPath, ['--import', 'tsx', join(ROOT, 'hcl', 'cli.ts'), '--out', out], {
      cwd: ROOT,
      env: { EDGE_FAILOVER_CONFIG: '' },
      timeout: 120_000,
      stdin: 'ignore',
    });
    return performance.now() - started;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function warm(): Promise<{ synth: number; convertAndWrite: number; verify: number; total: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hcl-bench-'));
  try {
    const t0 = performance.now();
    const synth = synthesize(loadConfig({ env: {} }), join(dir, 'synth'));
    const t1 = performance.now();
    const exported = await exportStack({
      stackName: synth.stackName,
      tfJsonPath: synth.tfJsonPath,
      moduleDir: join(dir, 'out'),
      verify: false,
    });
    const t2 = performance.now();
    await verifyModule(exported.moduleDir, JSON.parse(readFileSync(synth.tfJsonPath, 'utf8')), exported.module.refinements);
    const t3 = performance.now();
    return { synth: t1 - t0, convertAndWrite: t2 - t1, verify: t3 - t2, total: t3 - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type WarmPhases = Awaited<ReturnType<typeof warm>>;

export interface HclExportTimes {
  readonly runs: number;
  /** `npm run export:hcl` as a fresh process, each run. */
  readonly coldMs: readonly number[];
  /** Median of each phase in a warm process. */
  readonly warmMedianMs: Readonly<Record<keyof WarmPhases, number>>;
}

export async function benchHclExport(runs = 5): Promise<HclExportTimes> {
  const coldMs: number[] = [];
  for (let i = 0; i < runs; i++) coldMs.push(await cold());
  await warm(); // loads code, bindings and the parser once
  const warmRuns: WarmPhases[] = [];
  for (let i = 0; i < runs; i++) warmRuns.push(await warm());
  const phase = (k: keyof WarmPhases) => median(warmRuns.map((r) => r[k]));
  return {
    runs,
    coldMs,
    warmMedianMs: { synth: phase('synth'), convertAndWrite: phase('convertAndWrite'), verify: phase('verify'), total: phase('total') },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = await benchHclExport(Number(process.argv[2] ?? 5));
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(`default stack, ${t.runs} runs each (node ${process.version}, ${process.platform}/${process.arch})`);
  console.log(`cold (npm run export:hcl, verified): median ${ms(median(t.coldMs))}  runs: ${t.coldMs.map(ms).join(', ')}`);
  for (const [phase, v] of Object.entries(t.warmMedianMs)) console.log(`warm ${phase}: median ${ms(v)}`);
  const ok = median(t.coldMs) <= BUDGET_MS;
  console.log(ok ? `within the ${BUDGET_MS} ms budget` : `OVER the ${BUDGET_MS} ms budget`);
  process.exitCode = ok ? 0 : 1;
}

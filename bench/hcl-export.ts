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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 5);
const BUDGET_MS = 5_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

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

const coldRuns: number[] = [];
for (let i = 0; i < RUNS; i++) coldRuns.push(await cold());
await warm(); // loads code, bindings and the parser once
const warmRuns = [];
for (let i = 0; i < RUNS; i++) warmRuns.push(await warm());

const ms = (x: number) => `${Math.round(x)} ms`;
console.log(`default stack, ${RUNS} runs each (node ${process.version}, ${process.platform}/${process.arch})`);
console.log(`cold (npm run export:hcl, verified): median ${ms(median(coldRuns))}  runs: ${coldRuns.map(ms).join(', ')}`);
for (const phase of ['synth', 'convertAndWrite', 'verify', 'total'] as const) {
  console.log(`warm ${phase}: median ${ms(median(warmRuns.map((r) => r[phase])))}`);
}
const ok = median(coldRuns) <= BUDGET_MS;
console.log(ok ? `within the ${BUDGET_MS} ms budget` : `OVER the ${BUDGET_MS} ms budget`);
process.exitCode = ok ? 0 : 1;

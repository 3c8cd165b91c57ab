/**
 * `dr-drill history` on 1,000 runs: one real local drill's run.json (with every probe) copied to
 * 1,000 nights with varied figures (noise, a step change, failures), then the history CLI in its own
 * process, end to end (find, read and validate every file, analyse, render the charts, write), and
 * in-process the analysis and the rendering alone. Medians of --runs runs (default 5).
 * Writes results/history.json.
 *
 *   npx tsx bench/history.ts [--runs N] [--runs-in-history N]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { readRuns } from '../harness/history/read-runs.js';
import { analyseHistory, renderHistory } from '../harness/report/history/index.js';
import type { RunRecord } from '../harness/report/run-record.js';
import { runLocalDrill } from './drills.js';
import { median, round } from './stats.js';

const REPO = resolve(import.meta.dirname, '..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);
const N = arg('--runs-in-history', 1000);
const DAY_MS = 86_400_000;

const wobble = (i: number, amp: number) => {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 2 * amp;
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-history-'));
  try {
    const config = join(work, 'config.json');
    writeFileSync(config, '{}\n');
    const drill = await runLocalDrill({ configFile: config, fault: { kind: 'pause' }, outDir: join(work, 'drill'), timeoutMs: 180_000, signal: AbortSignal.timeout(200_000) });
    if (drill.error) throw new Error(`the template drill did not give a run.json: ${drill.error}`);
    const template = JSON.parse(readFileSync(drill.runJson, 'utf8')) as RunRecord;
    const dir = join(work, 'history');
    const t0 = Date.parse(template.startedAt) - N * DAY_MS;
    for (let i = 0; i < N; i++) {
      const failover = round(Math.max(0, (i < N * 0.8 ? 0.4 : 1.8) + wobble(i, 0.1)), 3);
      const failback = round(Math.max(0, 0.3 + wobble(i + N, 0.1) + (i % 37 === 0 ? 6 : 0)), 3);
      const failed = failback > template.settings.thresholds.failbackSeconds;
      const m = template.measurements;
      const record = {
        ...template,
        runId: `${template.runId}-${String(i).padStart(5, '0')}`,
        startedAt: new Date(t0 + i * DAY_MS).toISOString(),
        endedAt: new Date(t0 + i * DAY_MS + 20_000).toISOString(),
        measurements: { ...m, failover: { ...m.failover, seconds: failover }, failback: { ...m.failback, seconds: failback } },
        verdict: { ...template.verdict, outcome: failed ? 'failed' : 'passed', exitCode: failed ? 1 : 0 },
        exitCode: failed ? 1 : 0,
      };
      mkdirSync(join(dir, String(i).padStart(5, '0')), { recursive: true });
      writeFileSync(join(dir, String(i).padStart(5, '0'), 'run.json'), JSON.stringify(record));
    }
    const bytes = readFileSync(join(dir, '00000', 'run.json')).length;

    const cli: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const start = performance.now();
      const child = await execa(process.execPath, [join(REPO, 'bin', 'dr-drill.js'), 'history', dir, '--out', join(work, `out-${r}`)], { reject: false, timeout: 300_000 });
      cli.push(performance.now() - start);
      if (child.exitCode !== 0) throw new Error(`dr-drill history exited ${child.exitCode}: ${child.stderr}`);
    }
    // The CLI's own start (node, tsx, commander), to tell apart from the history's work.
    const startup: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const start = performance.now();
      await execa(process.execPath, [join(REPO, 'bin', 'dr-drill.js'), '--version']);
      startup.push(performance.now() - start);
    }
    const read: number[] = [];
    const analyse: number[] = [];
    const render: number[] = [];
    let regressions = 0;
    for (let r = 0; r < RUNS; r++) {
      let start = performance.now();
      const { inputs, skipped } = await readRuns([dir], work);
      read.push(performance.now() - start);
      start = performance.now();
      const a = analyseHistory(inputs, skipped);
      analyse.push(performance.now() - start);
      regressions = a.regressions.length;
      start = performance.now();
      await renderHistory(a);
      render.push(performance.now() - start);
    }
    const results = {
      runsInHistory: N,
      runJsonBytes: bytes,
      repetitions: RUNS,
      regressions,
      medianMs: {
        cliEndToEnd: round(median(cli), 0),
        cliStartup: round(median(startup), 0),
        readAndValidate: round(median(read), 0),
        analyse: round(median(analyse), 0),
        render: round(median(render), 0),
      },
      allMs: { cliEndToEnd: cli.map((x) => round(x, 0)), render: render.map((x) => round(x, 0)) },
      target: 'a history of 1,000 runs renders in under 5 s',
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, loadAverage: (await import('node:os')).loadavg().map((x) => round(x, 1)) },
    };
    mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
    writeFileSync(join(REPO, 'bench', 'results', 'history.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

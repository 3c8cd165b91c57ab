/**
 * `npm run bench`: what a failover costs a viewer, per fault, under the project's origin
 * settings and under CloudFront's defaults; synthesis, HCL export and local drill times.
 * Writes bench/results/latest.json, latest.md, penalty.svg and penalty.png.
 *
 * Order (the whole run stays under 3 minutes on 2 cores):
 *  1. both settings synthesized into real stacks (the local edge reads its rules from them);
 *  2. the fast faults' penalties (pause, error 503, refuse) on a quiet machine: 5 rounds each
 *     of baseline GETs, fault, GETs, clear;
 *  3. the hung faults (blackhole, unreachable, slow) started in the background, each in its own
 *     local world and its own drill: they wait on timeouts (up to 3 × 30 s) and use almost no CPU;
 *  4. meanwhile: the drill wall time (3 runs), the other per-fault drills, synthesis (5 runs)
 *     and HCL export (5 runs).
 *
 * Usage: npx tsx bench/run.ts [--keep]   (--keep leaves the drill run directories in place)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderPenaltyChart } from './chart.js';
import { runLocalDrill, type DrillResult } from './drills.js';
import { benchHclExport } from './hcl-export.js';
import { BenchWorld, medianRatio, type GetPlan, type PenaltyRun } from './penalty.js';
import { FAULT_MODES, PROFILES, SLOW_BEYOND_MS, synthesizeProfile, type FaultMode, type SynthesizedProfile } from './profiles.js';
import {
  evaluateTargets,
  renderMarkdown,
  RESULTS_VERSION,
  type BenchResults,
  type DrillCell,
  type MatrixCell,
  type Timing,
} from './report.js';
import { combineRuns, median, round } from './stats.js';
import { benchSynth } from './synth.js';

const REPO = resolve(import.meta.dirname, '..');
const RESULTS = join(REPO, 'bench', 'results');

/** Fast faults: rounds × GETs, sequential. */
const FAST = { rounds: 5, warmup: 30, baseline: 60, gets: 60 } as const;
/** Hung faults: one round of a few GETs sent at once (each costs attempts × a timeout). */
const HUNG = { rounds: 1, gets: 3 } as const;

const WALL_TIME_RUNS = 3;
const TOOL_RUNS = 5;

const { values: args } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort(new Error(`${sig} received`)));
const signal = controller.signal;

const started = performance.now();
const loadAtStart = loadavg();
const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${m}\n`);
const work = mkdtempSync(join(tmpdir(), 'edge-failover-bench-'));

try {
  const results = await main();
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, numbers, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), renderMarkdown(results));
  const chart = await renderPenaltyChart(results);
  writeFileSync(join(RESULTS, 'penalty.svg'), chart.svg);
  writeFileSync(join(RESULTS, 'penalty.png'), chart.png);
  process.stdout.write(renderMarkdown(results));
  log(`wrote ${['latest.json', 'latest.md', 'penalty.svg', 'penalty.png'].map((f) => join('bench/results', f)).join(', ')}`);
} finally {
  if (args.keep) log(`work directory kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

async function main(): Promise<BenchResults> {
  log('synthesizing the stacks: project settings, CloudFront defaults');
  const profiles = PROFILES.map((p) => synthesizeProfile(p, join(work, p.id)));
  for (const p of profiles) {
    log(`  ${p.title}: ${p.connectionAttempts} attempt(s), connection ${p.connectionTimeoutSeconds} s, read ${p.readTimeoutSeconds} s`);
  }
  const fastModes = FAULT_MODES.filter((m) => !m.hangs);
  const hungModes = FAULT_MODES.filter((m) => m.hangs);
  const penalties = new Map<string, PenaltyRun>();
  const drills = new Map<string, DrillResult[]>();
  const key = (p: SynthesizedProfile, m: FaultMode) => `${p.id}/${m.id}`;

  // 2. Fast faults, alone on the machine.
  for (const p of profiles) {
    const world = await BenchWorld.start(p.tfJsonPath, signal);
    try {
      for (const m of fastModes) {
        log(`penalty: ${m.title}, ${p.title} (${FAST.rounds} rounds of ${FAST.gets} GETs)`);
        const plan: GetPlan = { requests: FAST.gets, concurrency: 1, timeoutMs: p.hungMs + 15_000 };
        const run = await world.penalty(
          m.fault(p),
          { rounds: FAST.rounds, warmup: FAST.warmup, baseline: { requests: FAST.baseline, concurrency: 1, timeoutMs: 5_000 }, plan },
          signal,
        );
        penalties.set(key(p, m), run);
      }
    } finally {
      await world.close(signal);
    }
  }

  // 3. Hung faults in the background: every profile × mode in its own world and its own drill.
  // The worlds take their baselines (and inject) before the drills start, so the baselines
  // are not taken while a handful of drill processes start up.
  log(`starting the hung cases in the background: ${hungModes.map((m) => m.id).join(', ')} × ${profiles.map((p) => p.id).join(', ')}`);
  const injected: Promise<void>[] = [];
  const hungPenalties = profiles.flatMap((p) =>
    hungModes.map(async (m) => {
      let ready!: () => void;
      injected.push(new Promise<void>((r) => (ready = r)));
      const world = await BenchWorld.start(p.tfJsonPath, signal).catch((e: unknown) => {
        ready();
        throw e;
      });
      try {
        const plan: GetPlan = { requests: HUNG.gets, concurrency: HUNG.gets, timeoutMs: m.waitMs(p) + 15_000 };
        const run = await world.penalty(
          m.fault(p),
          {
            rounds: HUNG.rounds,
            warmup: FAST.warmup,
            baseline: { requests: FAST.baseline, concurrency: 1, timeoutMs: 5_000 },
            plan,
            onInjected: ready,
          },
          signal,
        );
        penalties.set(key(p, m), run);
        log(`penalty done: ${m.title}, ${p.title}`);
      } finally {
        ready();
        await world.close(signal);
      }
    }),
  );
  // Handlers attached now: a failure before the drills start must not go unhandled.
  const penaltiesDone = Promise.all(hungPenalties);
  penaltiesDone.catch(() => undefined);
  await Promise.all(injected);
  const hungDrills = profiles.flatMap((p) =>
    hungModes.map(async (m) => {
      const r = await drill(p, m, hungDrillArgs(p, m));
      drills.set(key(p, m), [r]);
      log(`drill done: ${m.title}, ${p.title}: ${r.summary ?? r.error}`);
    }),
  );
  const hung = Promise.all([penaltiesDone, ...hungDrills]);
  // Whatever happens in the foreground, the background cases are awaited (and their worlds torn down).
  const hungSettled = hung.then(
    () => undefined,
    (e: unknown) => e,
  );
  await sleep(3_000, undefined, { signal }); // let the drills finish starting

  let wall: DrillResult[] = [];
  let synthesis: BenchResults['synthesis'] = { skipped: 'not run' };
  let hclExport: BenchResults['hclExport'] = { skipped: 'not run' };
  try {
    // 4a. Drill wall time: the default drill (pause), project settings, one at a time.
    const project = profiles.find((p) => p.id === 'project')!;
    const pause = FAULT_MODES.find((m) => m.id === 'pause')!;
    for (let i = 0; i < WALL_TIME_RUNS; i++) {
      const r = await drill(project, pause, [], `wall-${i + 1}`);
      log(`drill wall time ${i + 1}/${WALL_TIME_RUNS}: ${(r.wallMs / 1000).toFixed(2)} s: ${r.summary ?? r.error}`);
      wall.push(r);
    }
    drills.set(key(project, pause), wall);

    // 4b. The other fast per-fault drills, two at a time.
    const rest = profiles.flatMap((p) => fastModes.filter((m) => !(p.id === 'project' && m.id === 'pause')).map((m) => ({ p, m })));
    for (let i = 0; i < rest.length; i += 2) {
      await Promise.all(
        rest.slice(i, i + 2).map(async ({ p, m }) => {
          const r = await drill(p, m, []);
          drills.set(key(p, m), [r]);
          log(`drill done: ${m.title}, ${p.title}: ${r.summary ?? r.error}`);
        }),
      );
    }

    // 4c. Synthesis, then HCL export.
    log(`synthesis: \`cdktf synth\` and the app command, ${TOOL_RUNS} runs each`);
    try {
      const s = await benchSynth(TOOL_RUNS);
      synthesis = { cdktfSynth: timing(s.cdktfSynthMs.samples), appCommand: timing(s.appCommandMs.samples) };
    } catch (e) {
      synthesis = { skipped: `failed: ${(e as Error).message.split('\n')[0]}` };
    }
    log(`HCL export: bench/hcl-export.ts, ${TOOL_RUNS} runs`);
    hclExport = await hclExportTimes(TOOL_RUNS);
  } finally {
    log('waiting for the hung cases');
    const err = await hungSettled;
    if (err) throw err;
  }

  const matrix: MatrixCell[] = profiles.flatMap((p) =>
    FAULT_MODES.map((m) => cell(p, m, penalties.get(key(p, m))!, drills.get(key(p, m)))),
  );
  // Side by side: both settings of each fault next to each other.
  matrix.sort((a, b) => FAULT_MODES.findIndex((m) => m.id === a.mode) - FAULT_MODES.findIndex((m) => m.id === b.mode));

  const wallOk = wall.filter((r) => r.exitCode === 0 && r.drillMs !== null);
  const drillWallTime: BenchResults['drillWallTime'] =
    wallOk.length === 0
      ? { skipped: `no drill completed: ${wall.map((r) => r.error ?? r.summary).join('; ')}` }
      : { process: timing(wallOk.map((r) => r.wallMs)), drill: timing(wallOk.map((r) => r.drillMs!)), fault: 'pause' };

  const cf = profiles.find((p) => p.id === 'cloudfront')!;
  const bounded = [
    `blackhole, unreachable and slow: ${HUNG.rounds} round of ${HUNG.gets} GETs sent at once (the fast faults: ${FAST.rounds} rounds of ${FAST.gets} sequential GETs), ` +
      `because each such GET costs attempts × read timeout (blackhole, slow: ${profiles.map((p) => `${p.title}: ${(p.hungMs / 1000).toFixed(0)} s`).join(', ')}) ` +
      `or attempts × connection timeout (unreachable: ${profiles.map((p) => `${p.title}: ${(p.unreachableMs / 1000).toFixed(0)} s`).join(', ')}).`,
    `slow: the primary delays each response by attempts × read timeout + ${SLOW_BEYOND_MS / 1000} s (${profiles
      .map((p) => `${p.title}: ${(p.hungMs + SLOW_BEYOND_MS) / 1000} s`)
      .join(', ')}), so every attempt times out.`,
    `The hung cases of both settings run at the same time, each in its own local world, alongside the rest of the benchmark; ` +
      `their drills probe under CloudFront defaults at ${hungRate(cf)} GETs/s and 1 direct probe/s per origin (10/s otherwise).`,
    `The hung drills probe with a timeout of the edge's wait + 5 s; every probe gives up on connecting after the drill's default 2 s ` +
      '(--connect-timeout), so a direct probe of an unreachable primary records the outage while it lasts.',
    'Every drill runs the drill CLI (dr-drill run --target local) in its own process.',
    'slow: the primary answers every direct probe, only late (clearing the fault releases the requests still waiting), so the drill ' +
      'sees no failure to time a failover gap from (—); the penalty columns show what viewers paid.',
    `Failover and failback gaps: one drill per cell, except pause under project settings (the median of the ${WALL_TIME_RUNS} wall-time drills).`,
  ];

  const partial: Omit<BenchResults, 'targets'> = {
    version: RESULTS_VERSION,
    generatedAt: new Date().toISOString(),
    command: 'npm run bench',
    totalSeconds: (performance.now() - started) / 1000,
    machine: { node: process.version, platform: `${process.platform}/${process.arch}`, cpus: cpus().length, loadAverage: loadAtStart },
    profiles: profiles.map((p) => ({
      id: p.id,
      title: p.title,
      connectionAttempts: p.connectionAttempts,
      connectionTimeoutSeconds: p.connectionTimeoutSeconds,
      readTimeoutSeconds: p.readTimeoutSeconds,
    })),
    matrix,
    synthesis,
    hclExport,
    drillWallTime,
    bounded,
  };
  return { ...partial, targets: evaluateTargets(partial) };
}

function hungRate(p: SynthesizedProfile): number {
  return p.hungMs > 30_000 ? 4 : 10;
}

/** Drill flags for a hung fault: probes outlast the edge's wait, observation outlasts the failover. */
function hungDrillArgs(p: SynthesizedProfile, m: FaultMode): string[] {
  const rate = hungRate(p);
  const waitMs = m.waitMs(p);
  return [
    '--probe-timeout',
    String(waitMs + 5_000),
    '--observe-timeout',
    String(Math.ceil(waitMs / 1000) + 30),
    '--rate',
    String(rate),
    '--direct-rate',
    String(rate === 10 ? 10 : 1),
  ];
}

async function drill(p: SynthesizedProfile, m: FaultMode, extraArgs: string[], name?: string): Promise<DrillResult> {
  return runLocalDrill({
    configFile: p.configFile,
    fault: m.fault(p),
    outDir: join(work, 'drills', `${p.id}-${name ?? m.id}`),
    extraArgs,
    timeoutMs: 2 * (p.hungMs + 30_000) + 60_000,
    signal,
  });
}

function cell(p: SynthesizedProfile, m: FaultMode, run: PenaltyRun, ds: readonly DrillResult[] | undefined): MatrixCell {
  const rounds = run.rounds;
  const sum = <T>(f: (r: (typeof rounds)[number]) => T) => rounds.map(f);
  const merge = (xs: readonly Readonly<Record<string, number>>[]) => {
    const out: Record<string, number> = {};
    for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  let drillCell: DrillCell | null = null;
  if (ds && ds.length > 0) {
    const ok = ds.filter((d) => d.error === undefined);
    const med = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? median(v) : null;
    };
    const total = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, x) => a + x!, 0));
    drillCell = {
      failoverSeconds: med(ok.map((d) => d.failoverSeconds)),
      failbackSeconds: med(ok.map((d) => d.failbackSeconds)),
      viewerGets: ok.length ? total(ok.map((d) => d.viewerGets)) : null,
      viewerGetErrors: ok.length ? total(ok.map((d) => d.viewerGetErrors)) : null,
      outcome: ok.map((d) => d.outcome).join(', ') || null,
      args: ds[0]!.args.map((a) => a.replace(work, '<work>')),
      runs: ok.length,
      notes: [...new Set(ds.flatMap((d) => [...d.notes, ...(d.error ? [d.error] : [])]))].map((n) => n.replaceAll(work, '<work>')),
      ...(ok.length < ds.length ? { error: ds.find((d) => d.error)!.error } : {}),
    };
  }
  return {
    profile: p.id,
    mode: m.id,
    title: m.title,
    fault: run.fault,
    rounds: rounds.length,
    getsPerRound: run.plan.requests,
    concurrency: run.plan.concurrency,
    bounded: m.hangs ? `${HUNG.rounds} round of ${HUNG.gets} concurrent GETs` : null,
    baselineMs: combineRuns(sum((r) => r.baseline)),
    failedOverMs: combineRuns(sum((r) => r.failedOver)),
    penaltyMs: combineRuns(sum((r) => r.penalty)),
    ratio: medianRatio(rounds),
    faultGets: sum((r) => r.faultGets).reduce((a, b) => a + b, 0),
    viewerErrors: sum((r) => r.viewerErrors).reduce((a, b) => a + b, 0),
    notFailedOver: sum((r) => r.notFailedOver).reduce((a, b) => a + b, 0),
    reasons: merge(sum((r) => r.reasons)),
    attempts: merge(sum((r) => r.attempts)),
    drill: drillCell,
  };
}

function timing(samples: readonly number[]): Timing {
  return { runs: samples.length, medianMs: median(samples), samplesMs: samples };
}

/** HCL export time (bench/hcl-export.ts): the cold `npm run export:hcl` runs and the warm in-process total. */
async function hclExportTimes(runs: number): Promise<BenchResults['hclExport']> {
  try {
    const t = await benchHclExport(runs);
    return { cold: timing(t.coldMs), warmTotalMs: t.warmMedianMs.total };
  } catch (e) {
    return { skipped: `the HCL export failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Rounds numbers for the results file; NaN becomes null. */
function numbers(_key: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (!Number.isFinite(v)) return null;
  return Number.isInteger(v) ? v : round(v, Math.abs(v) < 10 ? 3 : 1);
}

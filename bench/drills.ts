/**
 * Drills against the local world, run as a user runs them: the drill CLI in its own
 * process (`dr-drill run --target local`), which synthesizes the stack from a config file,
 * provisions the world, injects the fault, observes failover and failback, and writes
 * run.json. The benchmark reads the gaps, the viewer errors and the timings from run.json.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { formatFault, type Fault } from '../harness/targets/target.js';

export interface DrillOptions {
  readonly configFile: string;
  readonly fault: Fault;
  /** The run directory (reports, run.json, drill.log). */
  readonly outDir: string;
  /** Extra CLI flags (probe rate, probe timeout, observe timeout). */
  readonly extraArgs?: readonly string[];
  /** Bound on the whole child process, in ms. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface DrillResult {
  readonly fault: string;
  readonly args: readonly string[];
  /** The CLI process, start to exit (tsx start-up and synthesis included). */
  readonly wallMs: number;
  /** run.json startedAt → endedAt: the drill itself. */
  readonly drillMs: number | null;
  readonly exitCode: number | null;
  readonly outcome: string | null;
  readonly summary: string | null;
  /** The harness's failover and failback gaps, in seconds (null when not measured). */
  readonly failoverSeconds: number | null;
  readonly failbackSeconds: number | null;
  readonly notes: readonly string[];
  readonly viewerGets: number | null;
  readonly viewerGetErrors: number | null;
  readonly runJson: string;
  /** Set when the run did not produce a usable run.json. */
  readonly error?: string;
}

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'bin', 'dr-drill.js');

/** The environment without EDGE_FAILOVER_* variables, so the config file alone decides. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('EDGE_FAILOVER_')) env[k] = v;
  env.CHECKPOINT_DISABLE = '1';
  return env;
}

export async function runLocalDrill(o: DrillOptions): Promise<DrillResult> {
  mkdirSync(o.outDir, { recursive: true });
  const args = [
    'run',
    '--target',
    'local',
    '--plain',
    '--config',
    o.configFile,
    '--out',
    o.outDir,
    '--fault',
    formatFault(o.fault),
    ...(o.extraArgs ?? []),
  ];
  const runJson = join(o.outDir, 'run.json');
  const t0 = performance.now();
  const child = await execa(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: cleanEnv(),
    extendEnv: false,
    timeout: o.timeoutMs,
    cancelSignal: o.signal,
    reject: false,
    stdin: 'ignore',
    stdout: { file: join(o.outDir, 'drill.log') },
    stderr: { file: join(o.outDir, 'drill.err.log') },
  });
  const wallMs = performance.now() - t0;
  const base = { fault: formatFault(o.fault), args, wallMs, exitCode: child.exitCode ?? null, runJson };
  let run: RunJson;
  try {
    run = JSON.parse(readFileSync(runJson, 'utf8')) as RunJson;
  } catch (e) {
    const why = child.timedOut ? `timed out after ${o.timeoutMs} ms` : child.isCanceled ? 'cancelled' : `exit code ${child.exitCode}`;
    return {
      ...base,
      drillMs: null,
      outcome: null,
      summary: null,
      failoverSeconds: null,
      failbackSeconds: null,
      notes: [],
      viewerGets: null,
      viewerGetErrors: null,
      error: `no run.json (${why}; ${(e as Error).message}); see ${join(o.outDir, 'drill.err.log')}`,
    };
  }
  return fromRunJson(base, run);
}

function fromRunJson(base: Pick<DrillResult, 'fault' | 'args' | 'wallMs' | 'exitCode' | 'runJson'>, run: RunJson): DrillResult {
  const m = run.measurements;
  const aborted = run.status === 'aborted' ? { error: `the drill aborted: ${run.abort?.reason ?? 'no reason given'}` } : {};
  return {
    ...aborted,
    ...base,
    drillMs: Date.parse(run.endedAt) - Date.parse(run.startedAt),
    outcome: run.verdict?.outcome ?? null,
    summary: run.verdict?.summary ?? null,
    failoverSeconds: m?.failover?.seconds ?? null,
    failbackSeconds: m?.failback?.seconds ?? null,
    notes: [...(m?.failover?.notes ?? []).map((n) => `failover: ${n}`), ...(m?.failback?.notes ?? []).map((n) => `failback: ${n}`)],
    viewerGets: m?.totals?.viewerGets?.probes ?? null,
    viewerGetErrors: m?.totals?.viewerGets?.errors ?? null,
  };
}

/** The parts of run.json the benchmark reads. */
interface RunJson {
  readonly startedAt: string;
  readonly endedAt: string;
  readonly status?: string;
  readonly abort?: { readonly reason?: string };
  readonly verdict?: { readonly outcome?: string; readonly summary?: string };
  readonly measurements?: {
    readonly failover?: { readonly seconds: number | null; readonly notes?: readonly string[] };
    readonly failback?: { readonly seconds: number | null; readonly notes?: readonly string[] };
    readonly totals?: { readonly viewerGets?: { readonly probes: number; readonly errors: number } };
  };
}

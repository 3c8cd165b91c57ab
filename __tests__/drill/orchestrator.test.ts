/**
 * The drill against the real local world (processes and sockets on 127.0.0.1), with faults
 * of the drill's own making: a target whose inject throws, an abort during the outage, and
 * a primary that never serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { DEFAULT_DRILL_SETTINGS, DrillAborted, runDrill, type DrillSettings } from '../../harness/drill/orchestrator.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import type { PhaseName } from '../../harness/analysis/timeline.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { createLocalTarget, type LocalTarget } from '../../harness/targets/local/index.js';
import type { Target } from '../../harness/targets/target.js';
import { isOpenssl } from '../../harness/targets/local/tls.js';
import { tryConnect } from '../targets/local/helpers.js';
import { probeSlack, withPace } from '../support/pace.js';

const openssl = await isOpenssl();

/** Records the phases it is shown, and prints nothing. */
class RecordingProgress implements Progress {
  readonly seen: { name: PhaseName; summary?: string; failed?: boolean; threw?: string }[] = [];
  readonly logs: string[] = [];
  onPhase?: (name: PhaseName) => void;
  async phase<T>(name: PhaseName, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    this.onPhase?.(name);
    try {
      const out = await work(() => undefined);
      this.seen.push({ name, summary: out.summary, failed: out.failed });
      return out;
    } catch (err) {
      this.seen.push({ name, threw: (err as Error).message });
      throw err;
    }
  }
  log(message: string): void {
    this.logs.push(message);
  }
}

/**
 * The longest the edge of the default stack takes to answer a GET itself: every connection
 * attempt to each origin, each paying the connection timeout and then the read timeout, before
 * it answers 502/504. A probe that waits this long never gives up before the edge has answered,
 * so a viewer error the drill counts is the edge's, not the probe's impatience with a machine
 * under load (where a GET that pays the 2 s connection timeout can take well over 3 s).
 */
const EDGE_ANSWERS_WITHIN_MS = (() => {
  const { connectionAttempts, connectionTimeoutSeconds, readTimeoutSeconds } = loadConfig({ env: {} }).failover;
  return 2 * connectionAttempts * (connectionTimeoutSeconds + readTimeoutSeconds) * 1000;
})();

const FAST: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 5 },
  probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 20, directRateHz: 20, timeoutMs: EDGE_ANSWERS_WITHIN_MS },
  holdSeconds: 0.5,
  steadyTimeoutSeconds: 10,
  observeTimeoutSeconds: 10,
  teardownTimeoutSeconds: 30,
};

let workDir: string;
let tfJsonPath: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'drill-orchestrator-'));
  tfJsonPath = synthesize(loadConfig({ env: {} }), join(workDir, 'cdktf.out')).tfJsonPath;
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function drill(
  target: Target,
  options: { signal?: AbortSignal; progress?: RecordingProgress; settings?: DrillSettings } = {},
): Promise<{ run: RunRecord; progress: RecordingProgress }> {
  const progress = options.progress ?? new RecordingProgress();
  let written: RunRecord | undefined;
  const run = await runDrill({
    target,
    runId: 'test',
    settings: options.settings ?? FAST,
    progress,
    signal: options.signal ?? new AbortController().signal,
    writeReports: async (r) => {
      written = r;
    },
  });
  expect(written).toBe(run);
  return { run, progress };
}

async function expectWorldGone(local: LocalTarget, ports: readonly number[], pids: readonly number[]): Promise<void> {
  expect(local.status().state).toBe('down');
  // The edge (HTTP, and HTTPS for the stack's redirect-to-https and https-only behaviors), two fronts, two apps.
  expect(ports.length).toBe(openssl ? 6 : 5);
  for (const port of ports) expect(await tryConnect(port)).not.toBe('connected');
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
}

test('a full drill against the local world passes with measured failover and failback', async () => {
  const local = createLocalTarget({ tfJsonPath });
  let ports: readonly number[] = [];
  let pids: readonly number[] = [];
  const progress = new RecordingProgress();
  progress.onPhase = (name) => {
    if (name === 'teardown') ({ ports, pids } = local.status());
  };
  // The edge, the fronts and the probes share this process's event loop: how late it ran is part of
  // the pace the failover and failback bounds below take their slack from.
  const {
    value: { run },
    pace,
  } = await withPace(() => drill(local, { progress }));

  expect(run.status).toBe('completed');
  expect(run.verdict.outcome).toBe('passed');
  expect(run.exitCode).toBe(0);
  expect(progress.seen.find((p) => p.name === 'report')!.failed).toBe(false);
  expect(progress.seen.map((p) => p.name)).toEqual([
    'preflight',
    'provision',
    'steady',
    'inject',
    'failover',
    'recover',
    'failback',
    'teardown',
    'report',
  ]);
  const m = run.measurements;
  expect(m.failover.observed).toBe(true);
  expect(m.failback.observed).toBe(true);
  // Measured, not assumed: a paused local primary fails over (and back) with the first GET sent
  // after the change, within this run's probe slack (longest gap between GETs, two of the slowest
  // steady GET, the event loop's lateness).
  const slack = probeSlack(run, pace);
  expect(m.failover.seconds).toBeGreaterThanOrEqual(0);
  expect({ failover: m.failover.seconds, slack, within: m.failover.seconds! < slack }).toMatchObject({ within: true });
  expect({ failback: m.failback.seconds, slack, within: m.failback.seconds! < slack }).toMatchObject({ within: true });
  expect(m.totals.viewerGets.errors).toBe(0);
  expect(m.totals.viewerGets.probes).toBeGreaterThan(15);
  expect(m.phases.find((p) => p.phase === 'failover')!.servedBy.secondary).toBeGreaterThanOrEqual(5);
  expect(m.attribution.elimination).toBe(0);
  expect(run.primaryResumed).toBe(true);
  expect(run.teardown).toMatchObject({ attempted: true, ok: true });
  await expectWorldGone(local, ports, pids);
});

test('an unreachable primary fails over after the connection timeout, and the direct probes see it go down', async () => {
  // The default stack: 1 connection attempt x 2 s. Direct probes give up on connecting after
  // 2 s, so they record the outage while it lasts rather than connecting once it is over.
  const local = createLocalTarget({ tfJsonPath });
  // The edge's timers and the probes share this process's event loop: how late it ran during the
  // drill is part of the pace the bound below takes its slack from.
  const {
    value: { run },
    pace,
  } = await withPace(() =>
    drill(local, {
      settings: { ...FAST, fault: { kind: 'unreachable' }, holdSeconds: 3, probe: { ...FAST.probe, connectTimeoutMs: 1000 } },
    }),
  );
  // A failure shows why: the abort, or the verdict's summary.
  expect(`${run.verdict.outcome}: ${run.abort ? `aborted in ${run.abort.phase}: ${run.abort.reason}` : run.verdict.summary}`).toMatch(
    /^passed:/,
  );
  const m = run.measurements;
  expect(m.failover.observed).toBe(true);
  // After the connection timeout, not the read timeout: the expected bound plus what a GET
  // takes on this machine right now (the slowest steady-state edge GET of this very run) plus
  // one direct-probe interval, by which the drill may see the outage late, plus one edge-probe
  // interval, by which the first GET the secondary serves may be sent late, plus twice the
  // event loop's lateness in this run (the edge's connection timer and the probe reading the
  // answer each fire up to that late).
  const expected = run.settings.expectedFailover!.seconds!;
  const steadyMaxMs = m.phases.find((p) => p.phase === 'steady')!.latency.maxMs!;
  const lagMs = pace.lagMs;
  const bound = expected + (steadyMaxMs + 2 * lagMs) / 1000 + 1 / FAST.probe.directRateHz + 1 / FAST.probe.rateHz;
  expect({ failover: m.failover.seconds, steadyMaxMs, lagMs, within: m.failover.seconds! < bound }).toEqual({
    failover: m.failover.seconds,
    steadyMaxMs,
    lagMs,
    within: true,
  });
  const outage = m.phases.filter((p) => p.phase === 'inject' || p.phase === 'failover');
  // Viewers paid the connection timeout before the edge failed over...
  expect(Math.max(...outage.map((p) => p.latency.maxMs ?? 0))).toBeGreaterThanOrEqual(1900);
  // ...and the direct probes recorded the outage while it lasted.
  expect(outage.reduce((n, p) => n + p.direct.primary.errors, 0)).toBeGreaterThan(0);
  expect(m.totals.viewerGets.errors).toBe(0);
  expect(run.teardown).toMatchObject({ attempted: true, ok: true });
});

test('a blackhole primary fails over within the threshold derived from the read timeout (default stack: 1 x 5 s, + 5 s margin)', async () => {
  const local = createLocalTarget({ tfJsonPath });
  const { run } = await drill(local, {
    settings: {
      ...FAST,
      fault: { kind: 'blackhole' },
      holdSeconds: 6,
      observeTimeoutSeconds: 20,
      probe: { ...FAST.probe, timeoutMs: 10_000 },
    },
  });
  expect(run.settings.expectedFailover).toMatchObject({ fault: 'blackhole', seconds: 5 });
  expect(run.settings.failoverThreshold).toMatchObject({ seconds: 10, source: 'derived' });
  const m = run.measurements;
  // Measured: viewers wait out the read timeout before the edge fails over.
  expect(m.failover.seconds).toBeGreaterThanOrEqual(4.5);
  expect(m.failover.seconds).toBeLessThan(10);
  expect(run.verdict.assertions.find((a) => a.id === 'failover-time')).toMatchObject({ status: 'passed', threshold: 10 });
  expect(run.teardown).toMatchObject({ attempted: true, ok: true });
});

test('an error while injecting: the primary is resumed, the world torn down, the run aborted (exit 3)', async () => {
  const local = createLocalTarget({ tfJsonPath });
  let ports: readonly number[] = [];
  let pids: readonly number[] = [];
  let faultAfterClear: string | undefined;
  const broken: Target = {
    name: local.name,
    supportedFaults: local.supportedFaults,
    preflight: (s) => local.preflight(s),
    provision: (s) => local.provision(s),
    // The fault goes in, then the call fails: the drill cannot know the primary's state.
    inject: async (role, fault, s) => {
      await local.inject(role, fault, s);
      ({ ports, pids } = local.status());
      throw Object.assign(new Error('pause-service failed: ThrottlingException'), { kind: 'external' });
    },
    clear: async (role, s) => {
      await local.clear(role, s);
      faultAfterClear = local.status().faults.primary;
    },
    teardown: (s) => local.teardown(s),
  };
  const { run } = await drill(broken);
  expect(faultAfterClear).toBe('none');
  expect(run.status).toBe('aborted');
  expect(run.abort).toEqual({
    phase: 'inject',
    cause: 'error',
    reason: 'pause-service failed: ThrottlingException',
    errorKind: 'external',
  });
  expect(run.exitCode).toBe(3);
  expect(run.verdict.outcome).toBe('aborted');
  expect(run.cleanup.map((c) => [c.name, c.status])).toEqual([
    ['resume the primary', 'ran'],
    ['teardown', 'ran'],
  ]);
  expect(run.primaryResumed).toBe(true);
  expect(run.phases.find((p) => p.name === 'inject')!.status).toBe('aborted');
  await expectWorldGone(local, ports, pids);
});

test('an abort during the outage: probes are cancelled, the primary resumed, the world torn down', async () => {
  const local = createLocalTarget({ tfJsonPath });
  const controller = new AbortController();
  let faultSeen = '';
  let ports: readonly number[] = [];
  let pids: readonly number[] = [];
  const progress = new RecordingProgress();
  progress.onPhase = (name) => {
    if (name === 'failover') {
      ({ ports, pids } = local.status());
      faultSeen = local.status().faults.primary ?? '';
      setTimeout(() => controller.abort(new DrillAborted('SIGINT received')), 300);
    }
  };
  // A long hold keeps the outage going until the abort, however late the timer fires.
  const { run } = await drill(local, { signal: controller.signal, progress, settings: { ...FAST, holdSeconds: 60 } });
  expect(faultSeen).toBe('pause');
  expect(run.status).toBe('aborted');
  expect(run.abort).toEqual({ phase: 'failover', cause: 'signal', reason: 'SIGINT received' });
  expect(run.exitCode).toBe(3);
  expect(run.cleanup.find((c) => c.name === 'resume the primary')!.status).toBe('ran');
  expect(run.primaryResumed).toBe(true);
  expect(run.phases.map((p) => p.name)).toEqual(['preflight', 'provision', 'steady', 'inject', 'failover', 'teardown', 'report']);
  expect(run.verdict.assertions.find((a) => a.id === 'failback-time')!.status).toBe('skipped');
  await expectWorldGone(local, ports, pids);
});

test('a primary that never serves stops the drill at steady state with a failure (exit 1), never a pass', async () => {
  const local = createLocalTarget({ tfJsonPath });
  const misrouted: Target = {
    name: local.name,
    supportedFaults: local.supportedFaults,
    preflight: (s) => local.preflight(s),
    // Like a wrong Host header: the primary answers every edge request with a failover code.
    provision: async (s) => {
      const e = await local.provision(s);
      await local.inject('primary', { kind: 'error', status: 503 }, s);
      return e;
    },
    inject: (role, fault, s) => local.inject(role, fault, s),
    clear: (role, s) => local.clear(role, s),
    teardown: (s) => local.teardown(s),
  };
  const started = performance.now();
  const { run, progress } = await runWithShortSteady(misrouted);
  expect(performance.now() - started).toBeLessThan(15_000);
  expect(progress.seen.find((p) => p.name === 'report')).toMatchObject({ failed: true, summary: expect.stringMatching(/^FAILED/) });
  expect(run.status).toBe('stopped');
  expect(run.exitCode).toBe(1);
  expect(run.verdict.outcome).toBe('failed');
  const serves = run.verdict.assertions.find((a) => a.id === 'primary-serves')!;
  expect(serves.status).toBe('failed');
  expect(serves.measured).toBe(0);
  // The edge fails over on the 503: what the secondary served is counted in the message. (On a
  // machine too busy for any GET to come back within the 2 s, there is none to count.)
  const bySecondary = run.measurements.steady.secondaryServed;
  expect(serves.message).toMatch(
    bySecondary > 0
      ? `the primary never served an edge GET (${bySecondary} were served by the secondary); check the Host header`
      : 'the primary never served an edge GET; check the Host header',
  );
  expect(run.phases.map((p) => [p.name, p.status])).toEqual([
    ['preflight', 'passed'],
    ['provision', 'passed'],
    ['steady', 'failed'],
    ['teardown', 'passed'],
    ['report', 'passed'],
  ]);
  expect(run.primaryResumed).toBeNull();
  expect(local.status().state).toBe('down');
});

async function runWithShortSteady(target: Target) {
  const progress = new RecordingProgress();
  const run = await runDrill({
    target,
    runId: 'test',
    settings: { ...FAST, steadyTimeoutSeconds: 2 },
    progress,
    signal: new AbortController().signal,
    writeReports: async () => undefined,
  });
  return { run, progress };
}

test('a fault the target cannot inject is a usage error (exit 2) before anything is provisioned', async () => {
  const local = createLocalTarget({ tfJsonPath });
  const pauseOnly: Target = { ...bind(local), supportedFaults: ['pause'] };
  const progress = new RecordingProgress();
  const run = await runDrill({
    target: pauseOnly,
    runId: 't',
    settings: { ...FAST, fault: { kind: 'blackhole' } },
    progress,
    signal: new AbortController().signal,
    writeReports: async () => undefined,
  });
  expect(run.exitCode).toBe(2);
  expect(run.abort).toMatchObject({
    phase: 'preflight',
    errorKind: 'usage',
    reason: 'fault "blackhole" is not supported by the local target; allowed: pause',
  });
  expect(run.cleanup).toEqual([]);
  expect(run.teardown).toMatchObject({ attempted: false, ok: true });
  expect(local.status().state).toBe('idle');
});

function bind(t: LocalTarget): Target {
  return {
    name: t.name,
    supportedFaults: t.supportedFaults,
    preflight: (s) => t.preflight(s),
    provision: (s) => t.provision(s),
    inject: (r, f, s) => t.inject(r, f, s),
    clear: (r, s) => t.clear(r, s),
    teardown: (s) => t.teardown(s),
  };
}

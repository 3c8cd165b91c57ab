/**
 * The write router in the drill's phases, against a fake Target: writes are switched to the
 * secondary after the switch delay while the failover is observed, back once the primary
 * serves, and run.json carries the write section the verdict judged.
 */
import { expect, test } from '@jest/globals';
import { DEFAULT_DRILL_SETTINGS, DrillAborted, runDrill, type DrillSettings } from '../../harness/drill/orchestrator.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { validateRunRecord } from '../../harness/report/run-schema.js';
import { FakeTarget, type FakeTargetOptions } from './fake-target.js';

class SilentProgress implements Progress {
  readonly lines: string[] = [];
  async phase<T>(_name: string, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    return work(() => undefined);
  }
  log(message: string): void {
    this.lines.push(message);
  }
}

const ROUTER = { switchDelaySeconds: 0.3, switchDelayBasis: 'modelled: test' };
const QUICK: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 3 },
  probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 40, directRateHz: 20, writeRateHz: 20, timeoutMs: 1000, connectTimeoutMs: 500 },
  holdSeconds: 0.2,
  steadyTimeoutSeconds: 5,
  observeTimeoutSeconds: 3,
  teardownTimeoutSeconds: 5,
};

async function drill(
  options: FakeTargetOptions,
  settings: DrillSettings = QUICK,
  signal = new AbortController().signal,
): Promise<{ run: RunRecord; target: FakeTarget; progress: SilentProgress }> {
  const target = new FakeTarget(options);
  const progress = new SilentProgress();
  const run = await runDrill({ target, runId: 'fake', settings, progress, signal, writeReports: async () => undefined });
  expect(target.up).toBe(false);
  return { run, target, progress };
}

test('writes switch to the secondary during the outage and back after it; the write section is measured and judged', async () => {
  const { run, target, progress } = await drill({ writeRouter: ROUTER });
  expect(target.calls).toEqual([
    'preflight',
    'provision',
    'inject',
    'switch-writes secondary',
    'clear',
    'switch-writes primary',
    'teardown',
  ]);
  const w = run.writes!;
  expect(w.measurements.switches.map((s) => [s.to, s.delayBasis, s.observedAt !== undefined])).toEqual([
    ['secondary', 'modelled: test', true],
    ['primary', 'by hand: once the primary serves again', true],
  ]);
  // The outage began at the injection; the first write from the secondary came after the switch delay.
  const inject = run.phases.find((p) => p.name === 'inject')!;
  expect(w.measurements.switches[0]!.requestedAt - inject.startedAt).toBeGreaterThanOrEqual(ROUTER.switchDelaySeconds * 1000);
  expect(w.measurements.writeRtoSeconds).toBeGreaterThanOrEqual(ROUTER.switchDelaySeconds);
  expect(w.measurements.beforeSwitch.errors).toBeGreaterThan(0);
  expect(w.measurements.splitBrainWrites).toBe(0);
  expect(run.verdict.assertions.map((a) => [a.id, a.status])).toEqual(
    expect.arrayContaining([
      ['write-rto', 'passed'],
      ['split-brain-writes', 'passed'],
      ['switch-back-write-errors', 'passed'],
    ]),
  );
  expect(run.exitCode).toBe(0);
  // The write settings live in the write section, not twice in settings.
  expect(run.settings).not.toHaveProperty('writes');
  expect(() => validateRunRecord(JSON.parse(JSON.stringify(run)), 'run.json')).not.toThrow();
  expect(progress.lines.some((l) => /^writes: served by the secondary \d+\.\d s after the switch$/.test(l))).toBe(true);
});

test('--write-switch-delay and the write thresholds are used as given', async () => {
  const settings: DrillSettings = {
    ...QUICK,
    writes: { switchDelaySeconds: 0, thresholds: { maxWriteRtoSeconds: 0, maxSplitBrainWrites: 0, maxSwitchBackWriteErrors: 0 } },
  };
  const { run } = await drill({ writeRouter: ROUTER }, settings);
  expect(run.writes!.measurements.switches[0]).toMatchObject({ delaySeconds: 0, delayBasis: 'given: --write-switch-delay' });
  expect(run.writes!.thresholds.maxWriteRtoSeconds).toBe(0);
  // No write can be served by the secondary at the very instant of the outage: a 0 s RTO bound fails.
  expect(run.verdict.assertions.find((a) => a.id === 'write-rto')!.status).toBe('failed');
  expect(run.exitCode).toBe(1);
});

test('a switch the edge never follows fails the write RTO, and the drill still recovers and tears down', async () => {
  const { run, target } = await drill(
    { writeRouter: ROUTER, switchWrites: async () => undefined },
    { ...QUICK, observeTimeoutSeconds: 1.5 },
  );
  expect(target.calls).toContain('clear');
  expect(run.writes!.measurements.switches[0]!.observedAt).toBeUndefined();
  expect(run.writes!.measurements.writeRtoSeconds).toBeNull();
  expect(run.verdict.assertions.find((a) => a.id === 'write-rto')!.status).toBe('failed');
  expect(run.primaryResumed).toBe(true);
  expect(run.exitCode).toBe(1);
});

test('a signal while the switch waits aborts the run cleanly: no switch made, primary resumed, world torn down', async () => {
  const ac = new AbortController();
  const settings: DrillSettings = { ...QUICK, writes: { switchDelaySeconds: 60 } };
  const inject = async (apply: () => void) => {
    apply();
    setTimeout(() => ac.abort(new DrillAborted('SIGINT received')), 300);
  };
  const { run, target } = await drill({ writeRouter: ROUTER, inject }, settings, ac.signal);
  expect(run.status).toBe('aborted');
  expect(run.abort?.cause).toBe('signal');
  expect(target.calls).not.toContain('switch-writes secondary');
  expect(run.primaryResumed).toBe(true);
  expect(run.exitCode).toBe(3);
});

test('without write probes, or on a stack without the router, the run has no write section', async () => {
  const noWrites = await drill({ writeRouter: ROUTER }, { ...QUICK, probe: { ...QUICK.probe, writeRateHz: 0 } });
  expect(noWrites.run.writes).toBeUndefined();
  expect(noWrites.target.calls).not.toContain('switch-writes secondary');
  const noRouter = await drill({}, { ...QUICK, probe: { ...QUICK.probe, writeRateHz: 0 } });
  expect(noRouter.run.writes).toBeUndefined();
  expect(noRouter.run.verdict.assertions.map((a) => a.id)).not.toContain('write-rto');
});

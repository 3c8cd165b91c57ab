/**
 * The alarm phase against the fake target, whose alarms follow the fault as CloudWatch's would
 * (each transition stamped in its history when it happens): the fault held until both alarms are
 * ALARM and the run waiting until both are OK; a guard alarm that fires mid-fault stops the run.
 */
import { DEFAULT_DRILL_SETTINGS, runDrill, type DrillSettings } from '../../harness/drill/orchestrator.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import type { AlarmStatus, AlarmTransition, TargetAlarms } from '../../harness/targets/target.js';
import { validateRunRecord } from '../../harness/report/run-schema.js';
import { renderMarkdown } from '../../harness/report/markdown.js';
import { renderJunit } from '../../harness/report/junit.js';
import { FakeTarget } from './fake-target.js';
import { alarmPlan } from './alarm-plan.js';

const progress: Progress = {
  phase: async <T>(_n: unknown, work: (u: (m: string) => void) => Promise<PhaseOutcome<T>>) => work(() => undefined),
  log: () => undefined,
};

const plan = (detect: number) => alarmPlan({ detect, clear: 10, pollIntervalSeconds: 0.5 });

/** Alarms whose state follows `wanted()`; each change is a history item stamped when it is read. */
class FakeAlarms {
  readonly history: Record<string, AlarmTransition[]> = {};
  private readonly states: Record<string, string> = {};
  constructor(private readonly wanted: (name: string) => string) {}
  describe(names: readonly string[]): AlarmStatus[] {
    return names.map((name) => {
      const want = this.wanted(name);
      const was = this.states[name] ?? 'OK';
      if (want !== was) (this.history[name] ??= []).push({ at: Date.now(), from: was, to: want, reason: `fake: ${want}` });
      this.states[name] = want;
      return {
        name,
        region: 'us-east-1',
        state: want,
        reason: `fake: ${want}`,
        alarmActions: ['arn:aws:sns:us-east-1:111122223333:ef-alerts'],
        okActions: [],
      };
    });
  }
}

function withAlarms(target: FakeTarget, wanted: (name: string) => string) {
  const fake = new FakeAlarms(wanted);
  const alarms: TargetAlarms = {
    namePrefix: 'ef',
    describe: async (names) => fake.describe(names),
    history: async (a, since) => (fake.history[a.name] ?? []).filter((t) => t.at >= since),
  };
  return Object.assign(target, { alarms });
}

async function drill(target: FakeTarget, settings: DrillSettings): Promise<RunRecord> {
  return runDrill({
    target,
    runId: 'alarms',
    settings,
    progress,
    signal: new AbortController().signal,
    writeReports: async () => undefined,
  });
}

const FAST: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 3, failoverSeconds: 10 },
  probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 20, directRateHz: 20 },
  holdSeconds: 0.2,
  teardownTimeoutSeconds: 10,
};

test('the fault is held until both alarms are ALARM, then the run waits until both are OK; times come from the history', async () => {
  const target = new FakeTarget();
  let faultedSince = 0;
  withAlarms(target, (name) => {
    if (name.endsWith('viewers-see-errors')) return 'OK';
    if (!target.faulted) return 'OK';
    faultedSince ||= Date.now();
    return Date.now() - faultedSince > 1000 ? 'ALARM' : 'OK';
  });
  const run = await drill(target, { ...FAST, alarms: plan(20) });
  expect({ code: run.exitCode, outcome: run.verdict.outcome }).toEqual({ code: 0, outcome: 'passed' });
  for (const r of run.alarms!.results) {
    expect(r.detect!.seconds).toBeGreaterThanOrEqual(1);
    expect(r.clear!.seconds).not.toBeNull();
    expect(r.notifiesSns).toBe(true);
  }
  expect(run.verdict.assertions.filter((a) => a.id.startsWith('alarm-')).map((a) => a.status)).toEqual([
    'passed',
    'passed',
    'passed',
    'passed',
  ]);
  // run.json keeps the block as its schema says; summary.md and junit.xml report each alarm.
  expect(() => validateRunRecord(JSON.parse(JSON.stringify(run)), 'run.json')).not.toThrow();
  expect(renderMarkdown(run)).toMatch(/### Alarms \(asserted\)[\s\S]*`ef-failover-active`.*\| SNS/);
  expect(renderJunit(run)).toContain('name="alarm-clearing: ef-primary-unhealthy is OK within the bound after the start of recovery"');
  // The primary was faulted until the alarms fired: recovery came after the ALARM transitions.
  const recover = run.phases.find((p) => p.name === 'recover')!;
  for (const r of run.alarms!.results) expect(r.detect!.reachedAt!).toBeLessThanOrEqual(recover.startedAt);
}, 60_000);

test('an alarm that never fires within its bound fails its assertion (exit 1) and the primary is still resumed', async () => {
  const target = withAlarms(new FakeTarget(), () => 'OK');
  const run = await drill(target, { ...FAST, alarms: plan(1) });
  expect({ code: run.exitCode, outcome: run.verdict.outcome, resumed: run.primaryResumed }).toEqual({
    code: 1,
    outcome: 'failed',
    resumed: true,
  });
  const detect = run.verdict.assertions.find((a) => a.id === 'alarm-detection')!;
  expect(detect.message).toMatch(
    /^ef-failover-active \(us-east-1\) ALARM never reached after the injection .*bound 1 s; still OK at the bound/,
  );
  // Nothing fired, so nothing is waited for to clear: those assertions are skipped, saying why.
  const clearing = run.verdict.assertions.filter((a) => a.id === 'alarm-clearing');
  expect(clearing.map((a) => [a.status, a.message])).toEqual([
    ['skipped', 'not waited for: it never reached ALARM, so there was nothing to clear'],
    ['skipped', 'not waited for: it never reached ALARM, so there was nothing to clear'],
  ]);
}, 60_000);

test('a guard alarm ALARM while the primary is faulted ends the fault at once: stopped, named, primary resumed, exit 1', async () => {
  const target = new FakeTarget();
  withAlarms(target, (name) => (name.endsWith('viewers-see-errors') && target.faulted ? 'ALARM' : 'OK'));
  const run = await drill(target, { ...FAST, holdSeconds: 30, alarms: plan(60) });
  expect({ code: run.exitCode, status: run.status, resumed: run.primaryResumed, abort: run.abort }).toEqual({
    code: 1,
    status: 'stopped',
    resumed: true,
    abort: undefined,
  });
  expect(run.alarms!.stoppedBy).toMatchObject({ name: 'ef-viewers-see-errors', reason: 'fake: ALARM' });
  expect(run.verdict.summary).toContain(
    'guard alarm ef-viewers-see-errors (us-east-1) was ALARM while the primary was faulted: fake: ALARM',
  );
  expect(target.calls.filter((c) => c === 'clear')).toHaveLength(1);
  expect(target.faulted).toBe(false);
}, 60_000);

test('a guard alarm already ALARM before the fault refuses to inject', async () => {
  const target = withAlarms(new FakeTarget(), (name) => (name.endsWith('viewers-see-errors') ? 'ALARM' : 'OK'));
  const run = await drill(target, { ...FAST, alarms: plan(5) });
  expect({ code: run.exitCode, phase: run.abort?.phase, injected: target.calls.includes('inject') }).toEqual({
    code: 3,
    phase: 'inject',
    injected: false,
  });
  expect(run.abort!.reason).toMatch(/guard alarm ef-viewers-see-errors .* is ALARM before the fault/);
}, 60_000);

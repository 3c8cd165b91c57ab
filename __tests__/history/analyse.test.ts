/**
 * History analysis over generated histories of a few hundred runs: steady, a slow creep, a step
 * change, flaky failback, mixed fingerprints and older records without one.
 */
import { describe, expect, test } from '@jest/globals';
import { analyseHistory, fingerprintChanges, type HistoryAnalysis } from '../../harness/report/history/index.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { clampLag, generatedHistory, generatedRun, noise, type GeneratedRun } from '../support/history.js';

const analyse = (records: readonly RunRecord[]): HistoryAnalysis => analyseHistory(records.map((record) => ({ source: record.runId, record })));
const steadyRun = (i: number): GeneratedRun => ({ failoverLagS: clampLag(0.4 + noise(i, 0.1)), failbackLagS: clampLag(0.3 + noise(i + 1000, 0.1)) });

describe('regressions against the rolling median of comparable runs', () => {
  test('a steady history of 200 runs flags nothing', () => {
    const a = analyse(generatedHistory(Array.from({ length: 200 }, (_, i) => steadyRun(i))));
    expect(a.runs).toHaveLength(200);
    expect(a.groups).toHaveLength(1);
    expect(a.regressions).toEqual([]);
    expect(a.counts).toEqual({ flakes: 0, persistent: 0, unresolved: 0 });
  });

  test('a step change in failover time is flagged at the step, with the runs it was compared to, until the median catches up', () => {
    const runs = Array.from({ length: 150 }, (_, i) => (i < 120 ? steadyRun(i) : { ...steadyRun(i), failoverLagS: clampLag(1.6 + noise(i, 0.05)) }));
    const records = generatedHistory(runs);
    const a = analyse(records);
    const failover = a.regressions.filter((g) => g.figure === 'failover');
    expect(failover[0]!.runId).toBe(records[120]!.runId);
    expect(failover[0]!.comparedTo).toEqual(records.slice(110, 120).map((r) => r.runId));
    expect(failover[0]!.worseBy).toBeGreaterThan(1);
    expect(failover[0]!.tolerance).toBe(1); // the floor: the steady runs spread by far less
    // Flagged while fewer than half of the window stands at the new level; never before the step.
    expect(failover.map((g) => records.findIndex((r) => r.runId === g.runId))).toEqual([120, 121, 122, 123, 124]);
  });

  test('a slow creep (0.004 s a night) is never worse than its rolling median by the tolerance; the median shift says it', () => {
    const runs = Array.from({ length: 300 }, (_, i) => ({ ...steadyRun(i), failoverLagS: clampLag(0.2 + 0.004 * i + noise(i, 0.05)) }));
    const a = analyse(generatedHistory(runs));
    expect(a.regressions.filter((g) => g.figure === 'failover')).toEqual([]);
    const shift = a.shifts.find((s) => s.figure === 'failover')!;
    expect(shift.after - shift.before).toBeGreaterThan(0.03);
  });

  test('a figure needs min-baseline comparable runs before it can be flagged', () => {
    const runs = [steadyRun(0), steadyRun(1), steadyRun(2), { ...steadyRun(3), failoverLagS: 1.5 }];
    expect(analyse(generatedHistory(runs)).regressions).toEqual([]);
  });

  test('the tolerance grows with the spread (MAD) of the compared runs', () => {
    const noisy = Array.from({ length: 40 }, (_, i) => ({ ...steadyRun(i), failoverLagS: i % 2 ? 0.1 : 1.4 }));
    noisy.push({ ...steadyRun(40), failoverLagS: 1.5 });
    const a = analyse(generatedHistory(noisy));
    expect(a.regressions.filter((g) => g.figure === 'failover')).toEqual([]);
  });
});

describe('fingerprints', () => {
  test('runs of other fingerprints are not compared: two faults and two versions interleaved flag nothing', () => {
    const runs = Array.from({ length: 200 }, (_, i): GeneratedRun => {
      const slow = i % 2 === 1;
      return { ...steadyRun(i), failoverLagS: slow ? clampLag(1.5 + noise(i, 0.05)) : steadyRun(i).failoverLagS, fault: slow ? 'error:503' : 'pause', projectVersion: i < 100 ? '0.1.0' : '0.2.0' };
    });
    const a = analyse(generatedHistory(runs));
    expect(a.groups).toHaveLength(4);
    expect(a.regressions).toEqual([]);
    expect(a.newest!.fingerprintChanges).toEqual([]);
  });

  test('records without a fingerprint are grouped as "no fingerprint" per target and fault', () => {
    const runs = Array.from({ length: 30 }, (_, i): GeneratedRun => ({ ...steadyRun(i), noFingerprint: i < 20 }));
    const a = analyse(generatedHistory(runs));
    expect(a.groups.map((g) => g.id)).toEqual(['no fingerprint (local, pause)', a.runs[29]!.group]);
    expect(a.groups[1]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the newest run names the fingerprint fields that changed since the previous run of its target and fault', () => {
    const a = generatedRun(0, { ...steadyRun(0) }).fingerprint;
    const b = generatedRun(1, { ...steadyRun(1), thresholds: { failoverSeconds: 7 } }).fingerprint;
    expect(fingerprintChanges(a, b)).toEqual([{ field: 'thresholds.failoverSeconds', before: 5, after: 7 }]);
  });
});

describe('flakes and failures', () => {
  test('flaky failback: each lone failure followed by a pass is a flake; two in a row persist; a last failure is unresolved', () => {
    const fails = new Set([10, 25, 40, 41, 60, 79]);
    const runs = Array.from({ length: 80 }, (_, i): GeneratedRun => ({
      ...steadyRun(i),
      failbackLagS: fails.has(i) ? 1.5 : steadyRun(i).failbackLagS,
      thresholds: { failbackSeconds: 1 },
    }));
    const records = generatedHistory(runs);
    const a = analyse(records);
    expect(a.counts).toEqual({ flakes: 3, persistent: 1, unresolved: 1 });
    const flake = a.failures.find((f) => f.kind === 'flake')!;
    expect(flake).toEqual({ group: a.runs[0]!.group, runIds: [records[10]!.runId], assertions: ['failback-time'], kind: 'flake', passedBy: records[11]!.runId });
    expect(a.failures.find((f) => f.kind === 'persistent')!.runIds).toEqual([records[40]!.runId, records[41]!.runId]);
  });

  test('an aborted run neither ends nor extends a failure streak, and is never flagged', () => {
    const runs: GeneratedRun[] = Array.from({ length: 20 }, (_, i) => ({ ...steadyRun(i), thresholds: { failbackSeconds: 1 } }));
    runs[12] = { ...runs[12]!, failbackLagS: 1.5 };
    runs[13] = { ...runs[13]!, failoverLagS: 1.5, status: 'aborted' };
    const a = analyse(generatedHistory(runs));
    expect(a.runs[13]!.outcome).toBe('aborted');
    expect(a.counts.flakes).toBe(1);
    expect(a.regressions.filter((g) => g.runId === a.runs[13]!.runId)).toEqual([]);
  });
});

describe('alarm figures from the alarm phase', () => {
  const wait = (state: 'ALARM' | 'OK', seconds: number | null) => ({ state, from: 0, boundSeconds: 300, reachedAt: seconds === null ? null : seconds * 1000, seconds });
  const result = (name: string, detect: number | null, clear: number | null) => ({
    kind: name,
    name,
    region: 'us-east-1',
    stateBefore: 'OK',
    alarmActions: [],
    okActions: [],
    notifiesSns: true,
    detect: wait('ALARM', detect),
    ...(detect === null ? {} : { clear: wait('OK', clear) }),
  });
  const withAlarms = (i: number, results: ReturnType<typeof result>[]): RunRecord =>
    ({ ...generatedRun(i, steadyRun(i)), alarms: { plan: {}, results, guards: [] } }) as unknown as RunRecord;

  test('detection is the first watched alarm in ALARM, clear the last of those that fired back to OK, each timed by the history', () => {
    const a = analyse([
      withAlarms(0, [result('failover-active', 85.5, 100), result('primary-unhealthy', 70.25, 120)]),
      withAlarms(1, [result('failover-active', 90, null), result('primary-unhealthy', 75, 110)]),
      withAlarms(2, [result('failover-active', null, null), result('primary-unhealthy', 80, 95)]),
      withAlarms(3, [result('failover-active', null, null), result('primary-unhealthy', null, null)]),
    ]);
    expect(a.runs.map((r) => [r.figures.alarmDetection, r.figures.alarmClear])).toEqual([
      [70.25, 120],
      [75, undefined],
      [80, 95],
      [undefined, undefined],
    ]);
  });
});

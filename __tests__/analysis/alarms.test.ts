/** The alarm assertions: bounds against history times, observe mode, a guard stop, and how they change a verdict. */
import { isSnsArn, judgeAlarms, withAlarmAssertions, type AlarmsReport, type AlarmResult } from '../../harness/analysis/alarms.js';
import type { AlarmPlan } from '../../harness/alarms/plan.js';
import type { Verdict } from '../../harness/analysis/verdict.js';

const plan = (mode: AlarmPlan['mode']): AlarmPlan => ({
  mode,
  pollIntervalSeconds: 10,
  publishingAllowanceSeconds: 180,
  alarms: [],
  guards: { kinds: ['viewers-see-errors'], names: [] },
  addsAtMostSeconds: 0, secondaryDirectRateCapHz: 0.18,
});
const result = (detectSeconds: number | null, clearSeconds: number | null): AlarmResult => ({
  kind: 'failover-active',
  name: 'ef-failover-active',
  region: 'us-west-2',
  stateBefore: 'OK',
  alarmActions: ['arn:aws:sns:us-west-2:111122223333:ef-alerts'],
  okActions: [],
  notifiesSns: true,
  detect: {
    state: 'ALARM',
    from: 1000,
    boundSeconds: 300,
    reachedAt: detectSeconds === null ? null : 1000 + detectSeconds * 1000,
    seconds: detectSeconds,
  },
  clear: {
    state: 'OK',
    from: 9000,
    boundSeconds: 300,
    reachedAt: clearSeconds === null ? null : 9000 + clearSeconds * 1000,
    seconds: clearSeconds,
  },
});
const report = (mode: AlarmPlan['mode'], results: AlarmResult[], stoppedBy?: AlarmsReport['stoppedBy']): AlarmsReport => ({
  plan: plan(mode),
  results,
  guards: [{ name: 'ef-viewers-see-errors', region: 'us-east-1' }],
  ...(stoppedBy ? { stoppedBy } : {}),
});
const passed: Verdict = { outcome: 'passed', exitCode: 0, assertions: [], summary: 'PASSED: failover 1 s' };

test('each wait is judged against its bound; at the bound passes, past it or never fails', () => {
  const statuses = (d: number | null, c: number | null) => judgeAlarms(report('assert', [result(d, c)])).map((a) => [a.id, a.status]);
  expect(statuses(300, 12)).toEqual([
    ['alarm-detection', 'passed'],
    ['alarm-clearing', 'passed'],
    ['guard-alarms', 'passed'],
  ]);
  expect(statuses(300.5, null)).toEqual([
    ['alarm-detection', 'failed'],
    ['alarm-clearing', 'failed'],
    ['guard-alarms', 'passed'],
  ]);
});

test('observed alarms are reported as skipped and never fail the run', () => {
  const v = withAlarmAssertions(passed, report('observe', [result(null, null)]));
  expect({ outcome: v.outcome, statuses: v.assertions.map((a) => a.status) }).toEqual({
    outcome: 'passed',
    statuses: ['skipped', 'skipped', 'passed'],
  });
  expect(v.assertions[0]!.message).toMatch(/\(observed, not asserted: --alarms observe\)$/);
});

test('a guard stop fails a passing verdict, naming the alarm and its reason', () => {
  const v = withAlarmAssertions(
    passed,
    report('assert', [], { name: 'ef-viewers-see-errors', region: 'us-east-1', reason: 'Threshold Crossed', seenAt: 5 }),
  );
  expect({ outcome: v.outcome, exitCode: v.exitCode }).toEqual({ outcome: 'failed', exitCode: 1 });
  expect(v.summary).toBe(
    'FAILED: guard alarm ef-viewers-see-errors (us-east-1) was ALARM while the primary was faulted: Threshold Crossed; the fault was ended at once',
  );
});

test('an aborted verdict keeps its outcome; the assertions are still listed', () => {
  const aborted: Verdict = { outcome: 'aborted', exitCode: 3, assertions: [], summary: 'ABORTED' };
  const v = withAlarmAssertions(aborted, report('assert', [result(null, null)]));
  expect({ outcome: v.outcome, summary: v.summary, n: v.assertions.length }).toEqual({ outcome: 'aborted', summary: 'ABORTED', n: 3 });
});

test('SNS topic ARNs are told from other actions', () => {
  expect(isSnsArn('arn:aws:sns:us-east-1:111122223333:ef-alerts')).toBe(true);
  expect(isSnsArn('arn:aws-us-gov:sns:us-gov-west-1:111122223333:ef-alerts')).toBe(true);
  expect(isSnsArn('arn:aws:automate:us-east-1:ec2:stop')).toBe(false);
  expect(isSnsArn('arn:aws:sns:us-east-1:1111:ef-alerts')).toBe(false);
});

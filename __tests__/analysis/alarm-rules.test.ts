/**
 * The alarm assertions' rules: what a wait that never happened says and why, what a timed wait
 * names (the alarm, its region, the time from the history, the bound), the guard's message with
 * and without guards, and how a failed alarm changes a verdict that had failed already.
 */
import { describe, expect, test } from '@jest/globals';
import { isSnsArn, judgeAlarms, withAlarmAssertions } from '../../harness/analysis/alarms.js';
import type { Verdict } from '../../harness/analysis/verdict.js';
import { alarmResult as result, alarmsReport as report, wait } from './alarm-reports.js';

describe('a wait', () => {
  test('a timed wait names the alarm, its region, the state, the time since its start and the bound', () => {
    const [detect, clear] = judgeAlarms(report([result({ detect: wait('ALARM', 12.345), clear: wait('OK', 60) })]));
    expect(detect).toEqual({
      id: 'alarm-detection',
      title: 'ef-failover-active is ALARM within the bound after the injection',
      comparison: '<=',
      unit: 's',
      status: 'passed',
      measured: 12.345,
      threshold: 60,
      message: 'ef-failover-active (us-west-2) ALARM 12.3 s after the injection (history timestamp), bound 60 s',
    });
    expect(clear).toMatchObject({
      id: 'alarm-clearing',
      title: 'ef-failover-active is OK within the bound after the start of recovery',
      status: 'passed',
      message: 'ef-failover-active (us-west-2) OK 60.0 s after the start of recovery (history timestamp), bound 60 s',
    });
  });

  test('a wait never reached says so, with the reason the history gave or, without one, what was missing', () => {
    const [detect, clear] = judgeAlarms(report([result({ detect: wait('ALARM', null, 'history unreadable'), clear: wait('OK', null) })]));
    expect(detect).toMatchObject({
      status: 'failed',
      measured: null,
      message: 'ef-failover-active (us-west-2) ALARM never reached after the injection (history timestamp), bound 60 s; history unreadable',
    });
    expect(clear!.message).toBe(
      'ef-failover-active (us-west-2) OK never reached after the start of recovery (history timestamp), bound 60 s; no transition to OK in its history',
    );
  });

  test('a wait not made is skipped: clearing an alarm that never fired, or a run that ended first', () => {
    const never = judgeAlarms(report([result({ detect: wait('ALARM', null) })]));
    expect(never[1]).toEqual({
      id: 'alarm-clearing',
      title: 'ef-failover-active is OK within the bound after the start of recovery',
      comparison: '<=',
      unit: 's',
      status: 'skipped',
      measured: null,
      threshold: 0,
      message: 'not waited for: it never reached ALARM, so there was nothing to clear',
    });
    const ended = judgeAlarms(report([result({ detect: wait('ALARM', 5) })]));
    expect(ended[1]!.message).toBe('not waited for: the run ended before recovery was held for it');
    const none = judgeAlarms(report([result({})]));
    expect(none.map((a) => [a.id, a.status, a.message])).toEqual([
      ['alarm-detection', 'skipped', 'not waited for: the run ended before the fault was held for it'],
      ['alarm-clearing', 'skipped', 'not waited for: the run ended before recovery was held for it'],
      ['guard-alarms', 'passed', 'none of the guard alarms was ALARM while the primary was faulted'],
    ]);
  });
});

describe('the guard', () => {
  test('passes naming the guards watched, and fails naming the one that fired', () => {
    const guards = [
      { name: 'ef-viewers-see-errors', region: 'us-east-1' },
      { name: 'ef-primary-5xx', region: 'us-east-1' },
    ];
    const [ok] = judgeAlarms(report([], { guards }));
    expect(ok).toEqual({
      id: 'guard-alarms',
      title: 'No guard alarm fired while the primary was faulted',
      status: 'passed',
      measured: 0,
      threshold: 0,
      comparison: '<=',
      unit: 'alarms',
      message: 'none of ef-viewers-see-errors, ef-primary-5xx was ALARM while the primary was faulted',
    });
    const [fired] = judgeAlarms(
      report([], { guards, stoppedBy: { name: 'ef-primary-5xx', region: 'eu-west-1', reason: 'Threshold Crossed', seenAt: 1 } }),
    );
    expect(fired).toMatchObject({ status: 'failed', measured: 1 });
  });
});

describe('withAlarmAssertions', () => {
  const failedAlarm = report([result({ detect: wait('ALARM', 61) })]);
  test('a failed run keeps its summary and gains the alarm that failed', () => {
    const failed: Verdict = { outcome: 'failed', exitCode: 1, assertions: [], summary: 'FAILED: failover took 9 s' };
    const v = withAlarmAssertions(failed, failedAlarm);
    expect(v).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(v.summary).toBe(
      'FAILED: failover took 9 s; ef-failover-active (us-west-2) ALARM 61.0 s after the injection (history timestamp), bound 60 s',
    );
  });

  test('alarms that pass leave a passing verdict as it was, with their assertions added', () => {
    const passed: Verdict = { outcome: 'passed', exitCode: 0, assertions: [], summary: 'PASSED: failover 1 s' };
    const v = withAlarmAssertions(passed, report([result({ detect: wait('ALARM', 60) })]));
    expect(v).toMatchObject({ outcome: 'passed', exitCode: 0, summary: 'PASSED: failover 1 s' });
    expect(v.assertions.map((a) => a.status)).toEqual(['passed', 'skipped', 'passed']);
  });
});

test('an SNS topic ARN has every part: partition, sns, region, a twelve-digit account and a topic', () => {
  expect(isSnsArn('arn:aws:sns:us-east-1:111122223333:ef_alerts-1')).toBe(true);
  for (const arn of [
    'xarn:aws:sns:us-east-1:111122223333:ef-alerts',
    'arn:aws:sns:us-east-1:111122223333:ef-alerts:sub',
    'arn::sns:us-east-1:111122223333:ef-alerts',
    'arn:aws:sns::111122223333:ef-alerts',
    'arn:aws:sns:us-east-1:111122223333:',
    'arn:aws:sns:us-east-1:1111222233334:ef-alerts',
    'arn:aws:sns:us-east-1:11112222333a:ef-alerts',
    'arn:aws:sqs:us-east-1:111122223333:ef-alerts',
    'arn:aws:sns:us east 1:111122223333:ef-alerts',
    'arn:aws:sns:us-east-1:111122223333:ef alerts',
    'arn:a ws:sns:us-east-1:111122223333:ef-alerts',
  ]) {
    expect([arn, isSnsArn(arn)]).toEqual([arn, false]);
  }
});

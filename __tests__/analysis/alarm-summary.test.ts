/**
 * A verdict failed by alarms names every alarm assertion that failed, each message whole, so a
 * reader can split the summary back into the reasons.
 */
import { expect, test } from '@jest/globals';
import { withAlarmAssertions, type AlarmResult, type AlarmsReport } from '../../harness/analysis/alarms.js';
import type { Verdict } from '../../harness/analysis/verdict.js';
import { alarmResult, alarmsReport, wait } from './alarm-reports.js';

const alarm = (name: string, detect: number | null, clear: number | null): AlarmResult =>
  alarmResult({ name, detect: wait('ALARM', detect), clear: wait('OK', clear) });
const report = (results: AlarmResult[], stoppedBy?: AlarmsReport['stoppedBy']): AlarmsReport =>
  alarmsReport(results, stoppedBy ? { stoppedBy } : {});

const cases: [string, AlarmsReport][] = [
  ['two alarms late', report([alarm('a', 61, 5), alarm('b', 90, 5)])],
  ['one alarm never detected nor cleared', report([alarm('a', null, null)])],
  [
    'a late alarm and a guard stop',
    report([alarm('a', 5, 61)], { name: 'g', region: 'us-east-1', reason: 'Threshold Crossed', seenAt: 1 }),
  ],
];

test.each(cases)('%s: the summary of a run that had passed is FAILED followed by each failed message, in order', (_, r) => {
  const passed: Verdict = { outcome: 'passed', exitCode: 0, assertions: [], summary: 'PASSED' };
  const v = withAlarmAssertions(passed, r);
  const failed = v.assertions.filter((a) => a.status === 'failed').map((a) => a.message);
  expect(failed.length).toBeGreaterThan(1);
  expect(v.summary.startsWith('FAILED: ')).toBe(true);
  expect(v.summary.slice('FAILED: '.length).split('; ').length).toBeGreaterThanOrEqual(failed.length);
  expect(v.summary).toBe(`FAILED: ${failed.join('; ')}`);
  for (const m of failed) expect(v.summary).toContain(m);
});

test.each(cases)('%s: a run that had failed keeps its summary and appends each failed message after "; "', (_, r) => {
  const failedRun: Verdict = { outcome: 'failed', exitCode: 1, assertions: [], summary: 'FAILED: failover took 9 s' };
  const v = withAlarmAssertions(failedRun, r);
  const failed = v.assertions.filter((a) => a.status === 'failed').map((a) => a.message);
  expect(v.summary).toBe(['FAILED: failover took 9 s', ...failed].join('; '));
});

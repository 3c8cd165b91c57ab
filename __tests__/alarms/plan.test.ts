/** The drill's alarm plan from a real synthesis: each bound term by term, given bounds, a stack without the alarms. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { readStackAlarms } from '../../harness/alarms/stack-alarms.js';
import { describeAlarmPlan, planAlarms, type AlarmPlanInput } from '../../harness/alarms/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'alarm-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputFor(overrides: object): AlarmPlanInput {
  const config = loadConfig({ env: {}, overrides });
  const out = mkdtempSync(join(dir, 'out-'));
  const file = synthesize(config, out).tfJsonPath;
  const tf: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return {
    mode: 'assert',
    alarms: readStackAlarms(tf, file),
    tf,
    namePrefix: config.namePrefix,
    pollIntervalSeconds: 10,
    publishingAllowanceSeconds: 180,
    guardAlarms: ['team-pager', 'team-pager'],
    failoverSeconds: 10,
    failbackSeconds: 5,
    source: file,
  };
}

test('each bound is the sum of its terms, each from the synthesized alarm, with its source', () => {
  const input = inputFor({
    monitoring: {
      periodSeconds: 120,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      healthCheckIntervalSeconds: 10,
      healthCheckFailureThreshold: 2,
    },
  });
  const plan = planAlarms(input);
  const [active, unhealthy] = plan.alarms;
  expect(active!.kind).toBe('failover-active');
  // failover 10 + 2 × 120 + 180 + 60 (evaluated every minute)
  expect(active!.detect.terms.map((t) => t.seconds)).toEqual([10, 240, 180, 60]);
  expect(active!.detect.seconds).toBe(490);
  // failback 5 + (3 − 2 + 1) × 120 + 180 + 60
  expect(active!.clear.seconds).toBe(5 + 240 + 180 + 60);
  // Route 53: 2 × 10 s of evidence
  expect(unhealthy!.detect.terms[0]).toMatchObject({ seconds: 20, source: expect.stringContaining('route-53-health-check-evidence') });
  expect(unhealthy!.detect.seconds).toBe(20 + 240 + 180 + 60);
  for (const t of [...active!.detect.terms, ...unhealthy!.clear.terms]) expect(t.source).toMatch(/docs\/aws-behaviour|threshold/);
  expect(plan.addsAtMostSeconds).toBe(Math.max(490, 500) + Math.max(485, 500));
  expect(plan.guards).toEqual({ kinds: ['viewers-see-errors'], names: ['team-pager'] });
  const lines = describeAlarmPlan(plan);
  expect(lines[0]).toMatch(/waiting for them adds at most 1000 s to the run$/);
  expect(lines[1]).toContain('ALARM within 490 s = the failover itself 10 s');
});

test('given bounds replace the derived ones and say so; the derived sum stays visible', () => {
  const plan = planAlarms({ ...inputFor({}), detectionBoundSeconds: 30, clearBoundSeconds: 40 });
  expect(plan.alarms.map((a) => [a.detect.seconds, a.clear.seconds, a.detect.given])).toEqual([
    [30, 40, '--alarm-detection-bound'],
    [30, 40, '--alarm-detection-bound'],
  ]);
  expect(describeAlarmPlan(plan)[1]).toMatch(/ALARM within 30 s \(given: --alarm-detection-bound; derived: \d+ s = /);
});

test('a stack without the asserted alarms is refused naming --alarms and what the stack has', () => {
  const input = inputFor({});
  expect(() => planAlarms({ ...input, alarms: input.alarms.filter((a) => !a.alarmName.endsWith('-primary-unhealthy')) })).toThrow(
    /--alarms = "assert": allowed: off, for a stack without the alarm .*-primary-unhealthy/,
  );
});

test("the drill's direct probes of the secondary stay under a fifth of failover-active's threshold per period", () => {
  // Direct probes count in the secondary's requests, which failover-active watches: at the default 10/s
  // (600 a minute) they alone would keep it ALARM before any fault.
  for (const periodSeconds of [60, 120]) {
    const input = inputFor({ monitoring: { periodSeconds } });
    const active = input.alarms.find((a) => a.alarmName.endsWith('-failover-active'))!;
    const cap = planAlarms(input).secondaryDirectRateCapHz;
    expect(cap * periodSeconds).toBeLessThanOrEqual(active.threshold * 0.2 + 1e-6);
    expect(cap * periodSeconds).toBeGreaterThan(active.threshold * 0.2 - 0.01 * periodSeconds);
  }
});

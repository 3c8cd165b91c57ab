/**
 * What the local world publishes, derived from the synthesized stack's resources: the metrics the
 * stack's own alarms name (so the alarms as synthesized see data), and Route 53's checkers as the
 * health checks define them. And the local target's alarms are read only while its world is up.
 */
import { readFileSync } from 'node:fs';
import { metricKey } from '../../../harness/alarms/local-cloudwatch.js';
import { readStackAlarms } from '../../../harness/alarms/stack-alarms.js';
import { loadEdgeRules } from '../../../harness/cloudfront/index.js';
import { isSnsArn } from '../../../harness/analysis/alarms.js';
import { actionArn, healthChecksOf, LOCAL_ACCOUNT_ID, servedMetricOf } from '../../../harness/targets/local/local-alarms.js';
import { createLocalTarget } from '../../../harness/targets/local/index.js';
import { never, removeTempDirs, synthTestStack, testConfig } from './helpers.js';

afterAll(removeTempDirs);

const monitoring = { healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 4 } as const;
const tfJsonPath = synthTestStack({ ...testConfig(), monitoring });
const tf: unknown = JSON.parse(readFileSync(tfJsonPath, 'utf8'));

test("failover-active names the secondary service's Requests the world publishes, in its region", async () => {
  const rules = await loadEdgeRules({ tfJsonPath });
  const alarm = readStackAlarms(tf, tfJsonPath).find((a) => a.alarmName.endsWith('-failover-active'))!;
  const published = servedMetricOf(rules, 'secondary', 'Requests')!;
  expect(metricKey({ ...alarm, region: alarm.region! })).toBe(metricKey(published));
  expect(metricKey(published)).not.toBe(metricKey(servedMetricOf(rules, 'primary', 'Requests')!));
});

test("a checker per origin health check, at the check's interval, threshold and path", async () => {
  const rules = await loadEdgeRules({ tfJsonPath });
  const checks = healthChecksOf(tf, rules);
  expect(checks.map((c) => [c.role, c.requestIntervalSeconds, c.failureThreshold, c.resourcePath])).toEqual([
    ['primary', 30, 4, '/health'],
    ['secondary', 30, 4, '/health'],
  ]);
  const primaryUnhealthy = readStackAlarms(tf, tfJsonPath).find((a) => a.alarmName.endsWith('-primary-unhealthy'))!;
  expect(primaryUnhealthy.dimensions).toEqual({ HealthCheckId: `\${${checks[0]!.address}.id}` });
});

test('the local target has alarms only with a name prefix, readable only while its world is up', async () => {
  expect(createLocalTarget({ tfJsonPath }).alarms).toBeUndefined();
  const target = createLocalTarget({ tfJsonPath, namePrefix: 'edge-failover' });
  expect(target.alarms?.namePrefix).toBe('edge-failover');
  await expect(target.alarms!.describe(['edge-failover-failover-active'], never())).rejects.toThrow(
    "cannot read the stack's alarms: the local world is not up (call provision first)",
  );
  try {
    await target.provision(never());
    const read = await target.alarms!.describe(['edge-failover-failover-active', 'edge-failover-primary-unhealthy', 'other'], never());
    // A new alarm is INSUFFICIENT_DATA until its first evaluation, on the next minute.
    expect(read.map((a) => [a.name, a.region])).toEqual([
      ['edge-failover-failover-active', 'us-west-2'],
      ['edge-failover-primary-unhealthy', 'us-east-1'],
    ]);
    for (const a of read) expect(['INSUFFICIENT_DATA', 'OK']).toContain(a.state);
  } finally {
    await target.teardown(never());
  }
}, 60_000);

test("an alarm's actions are its SNS topics' ARNs, in each topic's region, with the local account id", () => {
  const alarms = readStackAlarms(tf, tfJsonPath);
  const actions = (suffix: string) => alarms.find((a) => a.alarmName.endsWith(suffix))!.alarmActions.map((a) => actionArn(tf, a));
  expect(actions('-failover-active')).toEqual([`arn:aws:sns:us-west-2:${LOCAL_ACCOUNT_ID}:edge-failover-alerts`]);
  expect(actions('-primary-unhealthy')).toEqual([`arn:aws:sns:us-east-1:${LOCAL_ACCOUNT_ID}:edge-failover-alerts`]);
  expect(actions('-failover-active').every(isSnsArn)).toBe(true);
  expect(actionArn(tf, '${aws_sns_topic.absent.arn}')).toBe('${aws_sns_topic.absent.arn}');
  expect(actionArn(tf, 'arn:aws:automate:us-east-1:ec2:stop')).toBe('arn:aws:automate:us-east-1:ec2:stop');
});

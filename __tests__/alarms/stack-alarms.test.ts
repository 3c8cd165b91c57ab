/** The stack's alarms read back from a real synthesis, and a broken alarm block reported whole. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { readStackAlarms } from '../../harness/alarms/stack-alarms.js';

const dir = mkdtempSync(join(tmpdir(), 'stack-alarms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every alarm of a synthesized stack, with the settings the config gave it', () => {
  const config = loadConfig({
    env: {},
    overrides: { monitoring: { periodSeconds: 120, evaluationPeriods: 3, datapointsToAlarm: 2, failoverRequestsThreshold: 5 } },
  });
  const file = synthesize(config, dir).tfJsonPath;
  const alarms = readStackAlarms(JSON.parse(readFileSync(file, 'utf8')), file);
  const byName = new Map(alarms.map((a) => [a.alarmName, a]));
  expect([...byName.keys()].sort()).toEqual(
    ['failover-active', 'primary-unhealthy', 'secondary-unhealthy', 'viewers-see-errors'].map((k) => `${config.namePrefix}-${k}`).sort(),
  );
  for (const a of alarms) expect([a.periodSeconds, a.evaluationPeriods, a.datapointsToAlarm]).toEqual([120, 3, 2]);
  const active = byName.get(`${config.namePrefix}-failover-active`)!;
  expect(active).toMatchObject({
    namespace: 'AWS/AppRunner',
    metricName: 'Requests',
    statistic: 'Sum',
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    region: config.regions.secondary,
  });
  // 5 viewer requests plus the secondary's health-check background over two minutes.
  expect(active.threshold).toBeGreaterThan(5);
  expect(active.okActions).toEqual(active.alarmActions);
  expect(byName.get(`${config.namePrefix}-primary-unhealthy`)).toMatchObject({
    namespace: 'AWS/Route53',
    statistic: 'Minimum',
    comparisonOperator: 'LessThanThreshold',
    threshold: 1,
    treatMissingData: 'missing',
    region: 'us-east-1',
  });
});

/** A valid alarm block; each test changes what it is about. */
const BLOCK = {
  alarm_name: 'a',
  namespace: 'N',
  metric_name: 'M',
  statistic: 'Sum',
  period: 60,
  evaluation_periods: 1,
  datapoints_to_alarm: 1,
  comparison_operator: 'GreaterThanThreshold',
  threshold: 0,
  treat_missing_data: 'notBreaching',
};

test('absent datapoints_to_alarm and treat_missing_data take the API defaults', () => {
  const tf = {
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_cloudwatch_metric_alarm: {
        a: { ...BLOCK, evaluation_periods: 2, datapoints_to_alarm: undefined, treat_missing_data: undefined },
      },
    },
  };
  expect(readStackAlarms(tf, 'x.json')[0]).toMatchObject({
    datapointsToAlarm: 2,
    treatMissingData: 'missing',
    region: 'eu-west-1',
    dimensions: {},
  });
});

test('every problem in every alarm is reported at once, naming the field, the value and what is allowed', () => {
  const tf = {
    provider: { aws: [{ alias: 'primary', region: 'us-east-1' }] },
    resource: {
      aws_cloudwatch_metric_alarm: {
        a: {
          ...BLOCK,
          statistic: 'p99',
          period: 45,
          datapoints_to_alarm: 2,
          threshold: '${var.t}',
          treat_missing_data: 'zero',
          provider: 'aws.primary',
        },
        b: { ...BLOCK, alarm_name: '', comparison_operator: 'Above', provider: 'aws.other' },
      },
    },
  };
  let message = '';
  try {
    readStackAlarms(tf, 'cdk.tf.json');
  } catch (e) {
    message = (e as Error).message;
  }
  for (const part of [
    'aws_cloudwatch_metric_alarm.a.statistic (from cdk.tf.json) = "p99"',
    'aws_cloudwatch_metric_alarm.a.period (from cdk.tf.json) = 45: allowed: 10, 20, 30 or a multiple of 60 seconds',
    'aws_cloudwatch_metric_alarm.a.datapoints_to_alarm (from cdk.tf.json) = 2: allowed: an integer from 1 to evaluation_periods (1)',
    'aws_cloudwatch_metric_alarm.a.threshold (from cdk.tf.json) = "${var.t}"',
    'aws_cloudwatch_metric_alarm.a.treat_missing_data (from cdk.tf.json) = "zero": allowed: one of missing, notBreaching, breaching, ignore',
    'aws_cloudwatch_metric_alarm.b.alarm_name (from cdk.tf.json) = ""',
    'aws_cloudwatch_metric_alarm.b.comparison_operator (from cdk.tf.json) = "Above"',
    'aws_cloudwatch_metric_alarm.b.provider (from cdk.tf.json) = "aws.other": allowed: a provider the stack declares (aws.primary)',
  ]) {
    expect(message).toContain(part);
  }
  expect(message).toContain('(8 problems)');
});

import '../../support/cdktf-matchers.js';
import { Testing } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { ConfigError, loadConfig, type EdgeFailoverConfigInput } from '../../../config/index.js';
import { EdgeFailoverStack, MONITORING_OUTPUTS } from '../../../stacks/edge-failover-stack.js';

function synth(overrides: EdgeFailoverConfigInput = {}) {
  const stack = new EdgeFailoverStack(Testing.app(), 'ef', { config: loadConfig({ env: {}, overrides }) });
  const out = Testing.synth(stack, true);
  return {
    out,
    tf: JSON.parse(out) as {
      output: Record<string, { value: unknown }>;
      resource: Record<string, Record<string, Record<string, unknown>>>;
    },
  };
}

test('the stack composes the monitoring layer and publishes its outputs', () => {
  const { tf } = synth();
  for (const name of Object.values(MONITORING_OUTPUTS).filter((n) => n !== MONITORING_OUTPUTS.drillRunnerRoleArn)) {
    expect(tf.output[name]).toBeDefined();
  }
  expect(tf.output[MONITORING_OUTPUTS.drillRunnerRoleArn]).toBeUndefined();
  expect(tf.output[MONITORING_OUTPUTS.alarmRegions]!.value).toEqual({
    'edge-failover-failover-active': 'us-west-2',
    'edge-failover-primary-unhealthy': 'us-east-1',
    'edge-failover-secondary-unhealthy': 'us-east-1',
    'edge-failover-viewers-see-errors': 'us-east-1',
  });
  expect(tf.output[MONITORING_OUTPUTS.drillRunnerPolicyJson]!.value).toBe(
    '${data.aws_iam_policy_document.monitoring_drill_runner_policy.json}',
  );
  // The alarms watch the stack's real services and distribution.
  expect(tf.resource.aws_cloudwatch_metric_alarm!.monitoring_failover_active!.dimensions).toEqual({
    ServiceName: '${aws_apprunner_service.secondary_service.service_name}',
    ServiceID: '${aws_apprunner_service.secondary_service.service_id}',
  });
  expect(tf.resource.aws_cloudwatch_metric_alarm!.monitoring_viewers_see_errors!.dimensions).toEqual({
    DistributionId: '${aws_cloudfront_distribution.edge_distribution.id}',
    Region: 'Global',
  });
});

test('config values reach the resources', () => {
  const { out, tf } = synth({
    regions: { primary: 'eu-west-1', secondary: 'us-west-2' },
    monitoring: {
      healthCheckIntervalSeconds: 30,
      healthCheckFailureThreshold: 3,
      periodSeconds: 120,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      healthCheckRequestsPerMinute: 10,
      failoverRequestsThreshold: 4,
      drillRunnerPrincipalArn: 'arn:aws:iam::111122223333:role/ci',
    },
  });
  expect(out).toHaveResourceWithProperties(Route53HealthCheck, { request_interval: 30, failure_threshold: 3, provider: 'aws.global' });
  expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
    alarm_name: 'edge-failover-failover-active',
    threshold: 4 + 20,
    period: 120,
    evaluation_periods: 2,
    datapoints_to_alarm: 2,
    provider: 'aws.secondary',
  });
  expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
    alarm_name: 'edge-failover-primary-unhealthy',
    provider: 'aws.global',
  });
  expect(Object.keys(tf.output[MONITORING_OUTPUTS.alertTopicArns]!.value as object).sort()).toEqual([
    'eu-west-1',
    'us-east-1',
    'us-west-2',
  ]);
  expect(tf.output[MONITORING_OUTPUTS.drillRunnerRoleArn]).toBeDefined();
});

test('bad monitoring config stops before synthesis, naming the field', () => {
  expect(() => loadConfig({ env: {}, overrides: { monitoring: { healthCheckRegions: ['us-east-1'] } } })).toThrow(ConfigError);
  expect(() => loadConfig({ env: {}, overrides: { monitoring: { topicEncryption: 'aws-managed' as never } } })).toThrow(
    /monitoring\.topicEncryption/,
  );
  expect(() => synth({ monitoring: { kmsKeyId: 'alias/aws/sns' } })).toThrow(/monitoring\.kmsKeyId/);
});

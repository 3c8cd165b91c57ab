import '../../support/cdktf-matchers.js';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { CloudfrontMonitoringSubscription } from '@cdktf/provider-aws/lib/cloudfront-monitoring-subscription/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { FailoverMonitoring, type FailoverMonitoringProps } from '../../../modules/monitoring/failover-monitoring.js';
import { DrillRunner } from '../../../modules/drill-runner/drill-runner.js';
import type { IRegionalCompute } from '../../../modules/compute/regional-compute.js';
import { UNSCOPABLE_ACTIONS } from '../../../modules/drill-runner/policy.js';
import { matches } from './event-pattern-matcher.js';
import { decodeJsonencode } from '../../support/jsonencode.js';

type Tf = {
  provider: { aws: { alias: string; region: string }[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
};

interface Built {
  tf: Tf;
  synth: string;
}

/** Overrides of the monitoring props, and the drill runner's principal. */
type Over = Partial<FailoverMonitoringProps> & { readonly drillRunnerPrincipalArn?: string };

/** The monitoring layer and the drill runner, composed as the stack composes them. */
function build(primaryRegion: string, secondaryRegion: string, { drillRunnerPrincipalArn, ...over }: Over = {}): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = (alias: string, region: string) => new AwsProvider(stack, `aws-${alias}`, { alias, region });
  const primaryProvider = provider('primary', primaryRegion);
  const secondaryProvider = provider('secondary', secondaryRegion);
  const globalProvider =
    primaryRegion === 'us-east-1' ? primaryProvider : secondaryRegion === 'us-east-1' ? secondaryProvider : provider('global', 'us-east-1');
  const service = (role: 'primary' | 'secondary', p: AwsProvider, region: string): IRegionalCompute => ({
    role,
    region,
    provider: p,
    serviceArn: `arn:aws:apprunner:${region}:111122223333:service/ef-${role}/id${role}`,
    serviceId: `id${role}`,
    serviceName: `ef-${role}`,
    serviceUrl: `https://${role}.${region}.awsapprunner.com`,
    originDomainName: `${role}.${region}.awsapprunner.com`,
    healthCheckPath: '/health',
  });
  const emails = new TerraformVariable(stack, 'alert_emails', { type: 'list(string)', default: ['ops@example.com'] });
  const primary = service('primary', primaryProvider, primaryRegion);
  const secondary = service('secondary', secondaryProvider, secondaryRegion);
  const monitoring = new FailoverMonitoring(stack, 'monitoring', {
    namePrefix: 'ef',
    primary,
    secondary,
    globalProvider,
    distributionId: 'E123',
    alertEmails: emails.listValue,
    ...over,
  });
  new DrillRunner(stack, 'monitoring-drill-runner', {
    namePrefix: 'ef',
    primary,
    secondary,
    globalProvider,
    distributionArn: 'arn:aws:cloudfront::111122223333:distribution/E123',
    accountId: monitoring.accountId,
    partition: monitoring.partition,
    alarmRegions: monitoring.alertRegions,
    alarmNamePattern: monitoring.alarmNamePattern,
    principalArn: drillRunnerPrincipalArn,
  });
  const synth = Testing.synth(stack, true);
  return { tf: JSON.parse(synth) as Tf, synth };
}

/** The region a resource runs in, from its provider reference ("aws.primary"). */
function regionOf(tf: Tf, block: Record<string, unknown>): string {
  const alias = String(block.provider).replace(/^aws\./, '');
  const p = tf.provider.aws.find((x) => x.alias === alias);
  if (!p) throw new Error(`no provider aws.${alias}`);
  return p.region;
}

/** The region of the SNS topic an ARN reference ("${aws_sns_topic.x.arn}") points at. */
function topicRegion(tf: Tf, ref: string): string {
  const name = /^\$\{aws_sns_topic\.([A-Za-z0-9_]+)\.arn\}$/.exec(ref)?.[1];
  if (!name) throw new Error(`not a topic ARN reference: ${ref}`);
  return regionOf(tf, tf.resource.aws_sns_topic![name]!);
}

const alarm = (tf: Tf, kind: string) => tf.resource.aws_cloudwatch_metric_alarm![`monitoring_${kind.replace(/-/g, '_')}`]!;

describe.each([
  ['us-east-1', 'us-west-2', 2],
  ['eu-west-1', 'us-west-2', 3],
  ['us-west-2', 'us-east-1', 2],
])('primary %s, secondary %s', (primaryRegion, secondaryRegion, topics) => {
  const { tf, synth } = build(primaryRegion, secondaryRegion, { additionalCloudFrontMetrics: true });

  test(`has one topic per region with alarms or rules (${topics})`, () => {
    const regions = Object.values(tf.resource.aws_sns_topic!).map((t) => regionOf(tf, t));
    expect(new Set(regions)).toEqual(new Set([primaryRegion, secondaryRegion, 'us-east-1']));
    expect(regions).toHaveLength(topics);
  });

  test.each([
    ['failover-active', 'AWS/AppRunner', 'Requests', 'Sum', { ServiceName: 'ef-secondary', ServiceID: 'idsecondary' }, secondaryRegion],
    [
      'primary-unhealthy',
      'AWS/Route53',
      'HealthCheckStatus',
      'Minimum',
      { HealthCheckId: '${aws_route53_health_check.monitoring_primary_health_check.id}' },
      'us-east-1',
    ],
    [
      'secondary-unhealthy',
      'AWS/Route53',
      'HealthCheckStatus',
      'Minimum',
      { HealthCheckId: '${aws_route53_health_check.monitoring_secondary_health_check.id}' },
      'us-east-1',
    ],
    ['viewers-see-errors', 'AWS/CloudFront', '5xxErrorRate', 'Average', { DistributionId: 'E123', Region: 'Global' }, 'us-east-1'],
    ['viewers-see-502', 'AWS/CloudFront', '502ErrorRate', 'Average', { DistributionId: 'E123', Region: 'Global' }, 'us-east-1'],
    ['viewers-see-503', 'AWS/CloudFront', '503ErrorRate', 'Average', { DistributionId: 'E123', Region: 'Global' }, 'us-east-1'],
    ['viewers-see-504', 'AWS/CloudFront', '504ErrorRate', 'Average', { DistributionId: 'E123', Region: 'Global' }, 'us-east-1'],
  ])(
    '%s watches %s %s (%s) in its metric region and notifies a topic there on ALARM and OK',
    (kind, namespace, metric, statistic, dimensions, region) => {
      const a = alarm(tf, kind);
      expect(a).toMatchObject({ alarm_name: `ef-${kind}`, namespace, metric_name: metric, statistic, dimensions });
      expect(regionOf(tf, a)).toBe(region);
      const alarmActions = a.alarm_actions as string[];
      const okActions = a.ok_actions as string[];
      expect(alarmActions).toHaveLength(1);
      expect(okActions).toEqual(alarmActions);
      expect(topicRegion(tf, alarmActions[0]!)).toBe(region);
      expect(synth).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: `ef-${kind}`, period: 60, evaluation_periods: 1 });
    },
  );

  test('health checks probe each service over HTTPS on its health path, fast', () => {
    for (const role of ['primary', 'secondary']) {
      const region = role === 'primary' ? primaryRegion : secondaryRegion;
      expect(tf.resource.aws_route53_health_check![`monitoring_${role}_health_check`]).toMatchObject({
        type: 'HTTPS',
        fqdn: `${role}.${region}.awsapprunner.com`,
        port: 443,
        enable_sni: true,
        resource_path: '/health',
        request_interval: 10,
        failure_threshold: 2,
      });
    }
  });

  test('each region routes App Runner events of its own service, in both spellings, to its own topic', async () => {
    for (const role of ['primary', 'secondary'] as const) {
      const region = role === 'primary' ? primaryRegion : secondaryRegion;
      const rule = tf.resource.aws_cloudwatch_event_rule![`monitoring_${role}_apprunner_events`]!;
      const target = tf.resource.aws_cloudwatch_event_target![`monitoring_${role}_apprunner_events_target`]!;
      expect(regionOf(tf, rule)).toBe(region);
      expect(regionOf(tf, target)).toBe(region);
      expect(topicRegion(tf, target.arn as string)).toBe(region);
      const arn = `arn:aws:apprunner:${region}:111122223333:service/ef-${role}/id${role}`;
      const pattern = await decodeJsonencode(rule.event_pattern);
      for (const [prev, cur] of [
        ['previousServiceStatus', 'currentServiceStatus'],
        ['previousStatus', 'currentStatus'],
      ]) {
        const event = {
          source: 'aws.apprunner',
          'detail-type': 'AppRunner Service Status Change',
          region,
          resources: [arn],
          detail: { serviceName: `ef-${role}`, [prev!]: 'RUNNING', [cur!]: 'PAUSED' },
        };
        expect(matches(pattern, event)).toBe(true);
        const other = role === 'primary' ? 'secondary' : 'primary';
        expect(
          matches(pattern, { ...event, resources: [arn.replaceAll(role, other)], detail: { ...event.detail, serviceName: `ef-${other}` } }),
        ).toBe(false);
      }
    }
  });

  test("topic policies let this stack's alarms and rules publish", () => {
    for (const [name, topic] of Object.entries(tf.resource.aws_sns_topic!)) {
      const role = name.replace(/^monitoring_/, '').replace(/_alerts$/, '');
      const doc = tf.data.aws_iam_policy_document![`monitoring_${role}_alerts_policy_document`]!;
      const statements = doc.statement as { principals: { identifiers: string[] }[]; resources: string[] }[];
      const services = statements.flatMap((s) => s.principals.flatMap((p) => p.identifiers));
      expect(services).toContain('cloudwatch.amazonaws.com');
      const hasRules = regionOf(tf, topic) === primaryRegion || regionOf(tf, topic) === secondaryRegion;
      expect(services.includes('events.amazonaws.com')).toBe(hasRules);
      for (const s of statements) expect(s.resources).toEqual([`\${aws_sns_topic.${name}.arn}`]);
    }
  });

  test('turns on the CloudFront additional metrics the per-code alarms need', () => {
    expect(synth).toHaveResourceWithProperties(CloudfrontMonitoringSubscription, {
      distribution_id: 'E123',
      monitoring_subscription: { realtime_metrics_subscription_config: { realtime_metrics_subscription_status: 'Enabled' } },
    });
  });
});

describe('notifications', () => {
  test('email subscriptions follow the Terraform variable, on every topic', () => {
    const { tf } = build('us-east-1', 'us-west-2', { httpsEndpoint: 'https://hooks.example.com/x' });
    const subs = Object.values(tf.resource.aws_sns_topic_subscription!);
    const email = subs.filter((s) => s.protocol === 'email');
    expect(email).toHaveLength(2);
    for (const s of email) expect(s).toMatchObject({ for_each: '${toset(var.alert_emails)}', endpoint: '${each.value}' });
    expect(subs.filter((s) => s.protocol === 'https' && s.endpoint === 'https://hooks.example.com/x')).toHaveLength(2);
  });

  test('topics are encrypted by default with a key per region that CloudWatch and EventBridge may use', () => {
    const { tf } = build('eu-west-1', 'us-west-2');
    const keys = tf.resource.aws_kms_key!;
    expect(Object.keys(keys)).toHaveLength(3);
    for (const [name, topic] of Object.entries(tf.resource.aws_sns_topic!)) {
      const keyName = name.replace(/_alerts$/, '_alerts_key');
      expect(topic.kms_master_key_id).toBe(`\${aws_kms_key.${keyName}.arn}`);
      expect(regionOf(tf, keys[keyName]!)).toBe(regionOf(tf, topic));
      expect(keys[keyName]).toMatchObject({ enable_key_rotation: true });
    }
    const keyPolicy = tf.data.aws_iam_policy_document!.monitoring_alerts_key_policy!.statement as {
      principals: { identifiers: string[] }[];
      actions: string[];
    }[];
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({
        principals: [expect.objectContaining({ identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] })],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  test('a given key is used as is, and "none" leaves topics unencrypted', () => {
    const given = build('us-east-1', 'us-west-2', { kmsKeyId: 'alias/ops-alerts' });
    expect(given.tf.resource.aws_kms_key).toBeUndefined();
    expect(given.synth).toHaveResourceWithProperties(SnsTopic, { kms_master_key_id: 'alias/ops-alerts' });
    const none = build('us-east-1', 'us-west-2', { topicEncryption: 'none' });
    expect(none.tf.resource.aws_kms_key).toBeUndefined();
    for (const t of Object.values(none.tf.resource.aws_sns_topic!)) expect(t.kms_master_key_id).toBeUndefined();
  });
});

describe('drill runner', () => {
  test('policy: no wildcard action, Resource "*" only where IAM cannot scope, alarms by their name pattern', () => {
    const { tf } = build('us-east-1', 'us-west-2');
    const statements = tf.data.aws_iam_policy_document!.monitoring_drill_runner_policy!.statement as {
      actions: string[];
      resources: string[];
    }[];
    for (const s of statements) {
      for (const a of s.actions) expect(a).not.toContain('*');
      if (s.resources.includes('*')) for (const a of s.actions) expect(UNSCOPABLE_ACTIONS).toContain(a);
    }
    const describe = statements.find((s) => s.actions.includes('cloudwatch:DescribeAlarms'))!;
    const pattern =
      /^arn:\$\{data\.aws_partition\.[\w]+\.partition\}:cloudwatch:([a-z0-9-]+):\$\{data\.aws_caller_identity\.[\w]+\.account_id\}:alarm:(.+)\*$/;
    const granted = describe.resources.map((r) => {
      const m = pattern.exec(r);
      expect(m).not.toBeNull();
      return { region: m![1]!, namePrefix: m![2]! };
    });
    for (const alarm of Object.values(tf.resource.aws_cloudwatch_metric_alarm!)) {
      const region = regionOf(tf, alarm);
      expect(granted.some((g) => g.region === region && String(alarm.alarm_name).startsWith(g.namePrefix))).toBe(true);
    }
    expect(tf.resource.aws_iam_role).toBeUndefined();
  });

  test('policy: the services may be paused, resumed, described and have their tags read, and nothing else may', () => {
    const { tf } = build('us-east-1', 'us-west-2');
    const statements = tf.data.aws_iam_policy_document!.monitoring_drill_runner_policy!.statement as {
      actions: string[];
      resources: string[];
    }[];
    const apprunner = statements.filter((s) => s.actions.some((a) => a.startsWith('apprunner:')));
    expect(apprunner).toHaveLength(1);
    expect(apprunner[0]!.actions.sort()).toEqual([
      'apprunner:DescribeService',
      'apprunner:ListOperations',
      'apprunner:ListTagsForResource',
      'apprunner:PauseService',
      'apprunner:ResumeService',
    ]);
    expect(apprunner[0]!.resources).toHaveLength(2);
    for (const r of apprunner[0]!.resources) expect(r).toMatch(/^\$\{aws_apprunner_service\.\w+\.arn\}$|^arn:aws:apprunner:/);
  });

  test('role: created only for a principal, carrying the same policy', async () => {
    const { tf } = build('us-east-1', 'us-west-2', { drillRunnerPrincipalArn: 'arn:aws:iam::111122223333:role/ci' });
    const role = tf.resource.aws_iam_role!.monitoring_drill_runner_role!;
    expect((await decodeJsonencode(role.assume_role_policy)).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/ci' });
    expect(tf.resource.aws_iam_role_policy!.monitoring_drill_runner_role_policy!.policy).toBe(
      '${data.aws_iam_policy_document.monitoring_drill_runner_policy.json}',
    );
  });
});

test('without a secondary health check there is no secondary-unhealthy alarm and failover alarms on any viewer request', () => {
  const { tf, synth } = build('us-east-1', 'us-west-2', { secondaryHealthCheck: false });
  expect(Object.keys(tf.resource.aws_route53_health_check!)).toEqual(['monitoring_primary_health_check']);
  expect(tf.resource.aws_cloudwatch_metric_alarm!.monitoring_secondary_unhealthy).toBeUndefined();
  expect(alarm(tf, 'failover-active')).toMatchObject({ threshold: 0, treat_missing_data: 'notBreaching' });
  expect(synth).not.toHaveResourceWithProperties(Route53HealthCheck, { fqdn: 'secondary.us-west-2.awsapprunner.com' });
});

test('the dashboard body is jsonencode()d data naming both regions', async () => {
  const { tf } = build('eu-west-1', 'us-west-2');
  const dash = tf.resource.aws_cloudwatch_dashboard!.monitoring_dashboard!;
  expect(regionOf(tf, dash)).toBe('us-east-1');
  const body = (await decodeJsonencode(dash.dashboard_body)) as { widgets: { properties: { metrics?: unknown[][] } }[] };
  const regions = new Set(
    body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((l) => (l[l.length - 1] as { region: string }).region)),
  );
  expect(regions).toEqual(new Set(['eu-west-1', 'us-west-2', 'us-east-1']));
});

describe('validation', () => {
  test.each([
    [{ kmsKeyId: 'alias/aws/sns' }, /monitoring\.kmsKeyId \(from construct [^)]+\) = "alias\/aws\/sns": allowed: a customer-managed key/],
    [
      { kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      /monitoring\.kmsKeyId \(from construct [^)]+\) = .*: allowed: an alias/,
    ],
    [{ httpsEndpoint: 'http://x' }, /monitoring\.httpsEndpoint \(from construct [^)]+\) = "http:\/\/x": allowed: an https:\/\/ URL/],
    [{ alertEmails: ['not-an-email'] }, /monitoring\.alertEmails \(from construct [^)]+\) = "not-an-email"/],
    [
      { drillRunnerPrincipalArn: 'ci-bot' },
      /principalArn \(from construct [^)]+monitoring-drill-runner\) = "ci-bot": allowed: an IAM principal ARN/,
    ],
    [{ periodSeconds: 10 }, /monitoring\.periodSeconds \(from construct [^)]+\) = 10: allowed: a multiple of 60/],
  ] as [Over, RegExp][])('%j', (over, message) => {
    expect(() => build('us-east-1', 'us-west-2', over)).toThrow(message);
  });

  test('a multi-Region key ID is accepted', () => {
    expect(() => build('us-east-1', 'us-west-2', { kmsKeyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' })).not.toThrow();
  });
});

import { Construct } from 'constructs';
import { Fn, TerraformIterator, type TerraformProvider } from 'cdktf';
import { CloudfrontMonitoringSubscription } from '@cdktf/provider-aws/lib/cloudfront-monitoring-subscription/index.js';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { IRegionalCompute } from './compute/regional-compute.js';
import { nameAfterPath } from './naming.js';
import { GLOBAL_METRICS_REGION, alarmSpecs, type AlarmHome, type AlarmSpec } from './monitoring/alarms.js';
import { dashboardBody } from './monitoring/dashboard.js';
import { appRunnerStatusPattern, ecsServicePattern } from './monitoring/event-pattern.js';
import {
  alarmNamePattern,
  dashboardName,
  drillRunnerRoleName,
  eventRuleName,
  healthCheckName,
  keyAliasName,
  topicName,
  type AlarmKind,
} from './monitoring/names.js';
import { alertsKeyPolicyStatements, drillRunnerStatements, topicPolicyStatements, type PolicyStatement } from './monitoring/policies.js';
import { validateInputs } from './monitoring/inputs.js';
import { resolveSettings, validateSettings, type MonitoringSettings } from './monitoring/settings.js';

// Over 300 lines because it is one construct's wiring of ~20 resource kinds across three regions;
// every pure piece (alarms, dashboard, event pattern, names, policies, settings, inputs) lives in
// monitoring/ with its own tests.

/**
 * How the alert topics are encrypted when no kmsKeyId is given.
 * - `module-key`: a customer-managed KMS key per region, created here, whose policy lets
 *   CloudWatch and EventBridge use it. (The AWS-managed key alias/aws/sns cannot be used:
 *   its policy cannot grant those services, so alarms and rules could not publish.)
 * - `none`: unencrypted topics (no KMS cost; notifications hold only alarm and status data).
 */
export type TopicEncryption = 'module-key' | 'none';

export interface FailoverMonitoringProps extends Partial<MonitoringSettings> {
  /** Prefix of every name (topics, alarms, rules, dashboard, role). */
  readonly namePrefix: string;
  readonly primary: IRegionalCompute;
  readonly secondary: IRegionalCompute;
  /**
   * A provider for us-east-1, where CloudFront and Route 53 publish their metrics. It may be
   * the same provider as one of the services' when that service runs in us-east-1.
   */
  readonly globalProvider: TerraformProvider;
  readonly distributionId: string;
  readonly distributionArn: string;
  /**
   * Email addresses subscribed to every topic: a plain list, or a token for one (a Terraform
   * variable), which becomes a for_each so Terraform users can change it.
   * @default - no email subscriptions
   */
  readonly alertEmails?: string[];
  /** An https:// endpoint subscribed to every topic. @default - none */
  readonly httpsEndpoint?: string;
  /**
   * A customer-managed KMS key for the topics: an alias (alias/<name>) or a multi-Region key ID
   * (mrk-...) that exists in every region with a topic. Its policy must let cloudwatch.amazonaws.com and
   * events.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*.
   * @default - per topicEncryption
   */
  readonly kmsKeyId?: string;
  /** @default 'module-key' */
  readonly topicEncryption?: TopicEncryption;
  /** Also create an IAM role with the drill runner's policy, assumable by this principal. @default - no role */
  readonly drillRunnerPrincipalArn?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** A region that has alarms or rules, and so a topic. */
interface AlertRegion {
  readonly region: string;
  /** Used in construct IDs: primary, secondary, or global (us-east-1 when neither service runs there). */
  readonly role: AlarmHome;
  readonly provider: TerraformProvider;
  readonly topic: SnsTopic;
  readonly eventRuleArns: string[];
}

/**
 * Tells operators, within about a minute, that a failover started or ended: an SNS topic per
 * region with alarms (an alarm's action must be in its own region), alarms with alarm and
 * OK actions, Route 53 health checks of both services, EventBridge rules for App Runner
 * status changes, a dashboard, and the drill runner's least-privilege policy.
 */
export class FailoverMonitoring extends Construct {
  readonly settings: MonitoringSettings;
  /** Topic ARN per region. */
  readonly topicArns: Readonly<Record<string, string>>;
  readonly alarms: Readonly<Partial<Record<AlarmKind, CloudwatchMetricAlarm>>>;
  /** Alarm name to the region it lives in (describe-alarms must be called there). */
  readonly alarmRegions: Readonly<Record<string, string>>;
  readonly primaryHealthCheck: Route53HealthCheck;
  readonly secondaryHealthCheck?: Route53HealthCheck;
  readonly dashboardName: string;
  /** The drill runner's IAM policy as JSON. */
  readonly drillRunnerPolicyJson: string;
  readonly drillRunnerRole?: IamRole;

  constructor(scope: Construct, id: string, props: FailoverMonitoringProps) {
    super(scope, id);
    const s = resolveSettings(props);
    validateSettings(s, this.node.path);
    validateInputs(props, this.node.path);
    this.settings = s;
    const prefix = props.namePrefix;
    const { primary, secondary } = props;
    const global = props.globalProvider;
    const tags = props.tags;

    const account = nameAfterPath(new DataAwsCallerIdentity(this, 'account', { provider: global }));
    const partition = nameAfterPath(new DataAwsPartition(this, 'partition', { provider: global }));
    const policyDocument = (docId: string, statements: PolicyStatement[]) =>
      nameAfterPath(new DataAwsIamPolicyDocument(this, docId, { provider: global, statement: statements.map(toStatement) }));

    // Topics: one per region that has alarms or rules.
    const encryption = props.kmsKeyId !== undefined ? 'given-key' : (props.topicEncryption ?? 'module-key');
    const keyPolicy =
      encryption === 'module-key'
        ? policyDocument('alerts-key-policy', alertsKeyPolicyStatements({ accountId: account.accountId, partition: partition.partition }))
        : undefined;
    const regions = new Map<string, AlertRegion>();
    const addRegion = (region: string, role: AlarmHome, provider: TerraformProvider) => {
      if (regions.has(region)) return;
      let kmsMasterKeyId: string | undefined = props.kmsKeyId;
      if (keyPolicy) {
        const key = nameAfterPath(
          new KmsKey(this, `${role}-alerts-key`, {
            provider,
            description: `Encrypts ${prefix} failover notifications in ${region}; usable by CloudWatch alarms and EventBridge rules`,
            enableKeyRotation: true,
            deletionWindowInDays: 7,
            policy: keyPolicy.json,
            tags,
          }),
        );
        nameAfterPath(new KmsAlias(this, `${role}-alerts-key-alias`, { provider, name: keyAliasName(prefix), targetKeyId: key.keyId }));
        kmsMasterKeyId = key.arn;
      }
      const topic = nameAfterPath(
        new SnsTopic(this, `${role}-alerts`, {
          provider,
          name: topicName(prefix),
          displayName: `${prefix} failover`,
          kmsMasterKeyId,
          tags,
        }),
      );
      regions.set(region, { region, role, provider, topic, eventRuleArns: [] });
    };
    addRegion(primary.region, 'primary', primary.provider);
    addRegion(secondary.region, 'secondary', secondary.provider);
    addRegion(GLOBAL_METRICS_REGION, 'global', global);
    const homeRegion = (home: AlarmHome) =>
      home === 'primary' ? primary.region : home === 'secondary' ? secondary.region : GLOBAL_METRICS_REGION;
    const alertRegion = (region: string) => regions.get(region)!;

    // Route 53 health checks: active HTTPS probes of each service's health path. Global; their metric is in us-east-1.
    const healthCheck = (service: IRegionalCompute) =>
      nameAfterPath(
        new Route53HealthCheck(this, `${service.role}-health-check`, {
          provider: global,
          type: 'HTTPS',
          fqdn: service.originDomainName,
          port: 443,
          enableSni: true,
          resourcePath: service.healthCheckPath,
          requestInterval: s.healthCheckIntervalSeconds,
          failureThreshold: s.healthCheckFailureThreshold,
          regions: [...s.healthCheckRegions],
          tags: { ...tags, Name: healthCheckName(prefix, service.role) },
        }),
      );
    this.primaryHealthCheck = healthCheck(primary);
    this.secondaryHealthCheck = s.secondaryHealthCheck ? healthCheck(secondary) : undefined;

    if (s.additionalCloudFrontMetrics) {
      nameAfterPath(
        new CloudfrontMonitoringSubscription(this, 'cloudfront-additional-metrics', {
          provider: global,
          distributionId: props.distributionId,
          monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
        }),
      );
    }

    // Alarms, each in its metric's region and notifying that region's topic on ALARM and on OK.
    const specs = alarmSpecs({
      namePrefix: prefix,
      primary: { region: primary.region, serviceName: primary.serviceName, serviceId: primary.serviceId },
      secondary: {
        region: secondary.region,
        serviceName: secondary.serviceName,
        serviceId: secondary.serviceId,
        served: secondary.servedRequestsMetric,
      },
      distributionId: props.distributionId,
      primaryHealthCheckId: this.primaryHealthCheck.id,
      secondaryHealthCheckId: this.secondaryHealthCheck?.id,
      settings: s,
    });
    const alarms: Partial<Record<AlarmKind, CloudwatchMetricAlarm>> = {};
    const alarmRegions: Record<string, string> = {};
    for (const spec of specs) {
      const home = alertRegion(homeRegion(spec.home));
      alarms[spec.kind] = this.alarm(spec, home);
      alarmRegions[spec.name] = home.region;
    }
    this.alarms = alarms;
    this.alarmRegions = alarmRegions;

    // EventBridge: App Runner status changes (or ECS service and deployment changes) arrive on each
    // service's own region's default bus.
    for (const service of [primary, secondary]) {
      const home = alertRegion(service.region);
      const ecs = service.backend === 'ecs-express';
      const id = ecs ? `${service.role}-ecs-events` : `${service.role}-apprunner-events`;
      const rule = nameAfterPath(
        new CloudwatchEventRule(this, id, {
          provider: service.provider,
          name: eventRuleName(prefix, service.role, service.backend ?? 'apprunner'),
          description: ecs
            ? `ECS service actions and deployment state changes of ${prefix}'s ${service.role} service, to ${topicName(prefix)}`
            : `App Runner status and operation changes of ${prefix}'s ${service.role} service, to ${topicName(prefix)}`,
          eventPattern: Fn.jsonencode(ecs ? ecsServicePattern([service]) : appRunnerStatusPattern([service])),
          tags,
        }),
      );
      nameAfterPath(
        new CloudwatchEventTarget(this, `${id}-target`, {
          provider: service.provider,
          rule: rule.name,
          targetId: 'alerts-topic',
          arn: home.topic.arn,
        }),
      );
      home.eventRuleArns.push(rule.arn);
    }

    // Topic policies and subscriptions.
    for (const r of regions.values()) {
      const doc = policyDocument(
        `${r.role}-alerts-policy-document`,
        topicPolicyStatements({
          topicArn: r.topic.arn,
          accountId: account.accountId,
          partition: partition.partition,
          region: r.region,
          alarmNamePattern: alarmNamePattern(prefix),
          eventRuleArns: r.eventRuleArns,
        }),
      );
      nameAfterPath(new SnsTopicPolicy(this, `${r.role}-alerts-policy`, { provider: r.provider, arn: r.topic.arn, policy: doc.json }));
      const emails = TerraformIterator.fromList(props.alertEmails ?? []);
      nameAfterPath(
        new SnsTopicSubscription(this, `${r.role}-alerts-email`, {
          provider: r.provider,
          forEach: emails,
          topicArn: r.topic.arn,
          protocol: 'email',
          endpoint: emails.value,
        }),
      );
      if (props.httpsEndpoint !== undefined) {
        nameAfterPath(
          new SnsTopicSubscription(this, `${r.role}-alerts-https`, {
            provider: r.provider,
            topicArn: r.topic.arn,
            protocol: 'https',
            endpoint: props.httpsEndpoint,
          }),
        );
      }
    }
    const topicArns: Record<string, string> = {};
    for (const r of regions.values()) topicArns[r.region] = r.topic.arn;
    this.topicArns = topicArns;

    // One dashboard for both regions.
    this.dashboardName = dashboardName(prefix);
    const alarmArns = Object.values(alarms).map((a) => a.arn);
    nameAfterPath(
      new CloudwatchDashboard(this, 'dashboard', {
        provider: global,
        dashboardName: this.dashboardName,
        dashboardBody: Fn.jsonencode(
          dashboardBody({
            title: `${prefix}: edge failover ${primary.region} -> ${secondary.region}`,
            primary: { region: primary.region, serviceName: primary.serviceName, serviceId: primary.serviceId },
            secondary: { region: secondary.region, serviceName: secondary.serviceName, serviceId: secondary.serviceId },
            distributionId: props.distributionId,
            healthCheckIds: { primary: this.primaryHealthCheck.id, secondary: this.secondaryHealthCheck?.id },
            alarmArns,
            periodSeconds: s.periodSeconds,
            additionalCloudFrontMetrics: s.additionalCloudFrontMetrics,
          }),
        ),
      }),
    );

    // The drill runner's least-privilege policy, and optionally a role that carries it.
    const drillPolicy = policyDocument(
      'drill-runner-policy',
      drillRunnerStatements({
        serviceArns: [primary.serviceArn, secondary.serviceArn],
        backend: primary.backend ?? 'apprunner',
        listenerRuleArns: [primary, secondary].map(
          (svc) => `arn:${partition.partition}:elasticloadbalancing:${svc.region}:${account.accountId}:listener-rule/app/*`,
        ),
        serviceRegions: [primary.region, secondary.region],
        distributionArn: props.distributionArn,
        alarmArns: [...regions.keys()].map(
          (region) => `arn:${partition.partition}:cloudwatch:${region}:${account.accountId}:alarm:${alarmNamePattern(prefix)}`,
        ),
        regions: [...regions.keys()],
      }),
    );
    this.drillRunnerPolicyJson = drillPolicy.json;
    if (props.drillRunnerPrincipalArn !== undefined) {
      this.drillRunnerRole = nameAfterPath(
        new IamRole(this, 'drill-runner-role', {
          provider: global,
          name: drillRunnerRoleName(prefix),
          description: `Runs ${prefix}'s failover drill: pause/resume its services and read its distribution and alarms`,
          assumeRolePolicy: Fn.jsonencode({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: props.drillRunnerPrincipalArn }, Action: 'sts:AssumeRole' }],
          }),
          tags,
        }),
      );
      nameAfterPath(
        new IamRolePolicy(this, 'drill-runner-role-policy', {
          provider: global,
          name: 'drill-runner',
          role: this.drillRunnerRole.name,
          policy: drillPolicy.json,
        }),
      );
    }
  }

  private alarm(spec: AlarmSpec, home: AlertRegion): CloudwatchMetricAlarm {
    return nameAfterPath(
      new CloudwatchMetricAlarm(this, spec.kind, {
        provider: home.provider,
        alarmName: spec.name,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: { ...spec.dimensions },
        statistic: spec.statistic,
        comparisonOperator: spec.comparisonOperator,
        threshold: spec.threshold,
        period: spec.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        alarmActions: [home.topic.arn],
        okActions: [home.topic.arn],
      }),
    );
  }
}

function toStatement(s: PolicyStatement): DataAwsIamPolicyDocumentStatement {
  return {
    sid: s.sid,
    effect: s.effect,
    actions: [...s.actions],
    resources: [...s.resources],
    principals: s.principals?.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })),
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
  };
}

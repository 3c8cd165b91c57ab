import { Construct } from 'constructs';
import { Fn, TerraformIterator, type TerraformProvider } from 'cdktf';
import { CloudfrontMonitoringSubscription } from '@cdktf/provider-aws/lib/cloudfront-monitoring-subscription/index.js';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import type { IRegionalCompute } from '../compute/regional-compute.js';
import { computeBackendOf } from '../compute/registry.js';
import { nameAfterPath } from '../naming.js';
import { toDocumentStatement, type PolicyStatement } from '../policy-statement.js';
import { GLOBAL_METRICS_REGION, alarmSpecs, type AlarmHome, type AlarmSpec } from './alarms.js';
import { dashboardBody } from './dashboard.js';
import { validateInputs } from './inputs.js';
import { alarmNamePattern, dashboardName, eventRuleName, healthCheckName, keyAliasName, topicName, type AlarmKind } from './names.js';
import { alertsKeyPolicyStatements, topicPolicyStatements } from './policies.js';
import { resolveSettings, validateSettings, type MonitoringSettings } from './settings.js';

/**
 * How the alert topics are encrypted when no kmsKeyId is given.
 * - `module-key`: a customer-managed KMS key per region, created here, whose policy lets
 *   CloudWatch and EventBridge use it. (The AWS-managed key alias/aws/sns cannot be used:
 *   its policy cannot grant those services, so alarms and rules could not publish.)
 * - `none`: unencrypted topics (no KMS cost; notifications hold only alarm and status data).
 */
export type TopicEncryption = 'module-key' | 'none';

export interface FailoverMonitoringProps extends Partial<MonitoringSettings> {
  /** Prefix of every name (topics, alarms, rules, dashboard). */
  readonly namePrefix: string;
  readonly primary: IRegionalCompute;
  readonly secondary: IRegionalCompute;
  /**
   * A provider for us-east-1, where CloudFront and Route 53 publish their metrics. It may be
   * the same provider as one of the services' when that service runs in us-east-1.
   */
  readonly globalProvider: TerraformProvider;
  readonly distributionId: string;
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
 * status changes, and a dashboard. The constructor runs these as named steps, in that order
 * of dependence: topics, health checks, alarms, event rules, topic policies, dashboard.
 */
export class FailoverMonitoring extends Construct {
  readonly settings: MonitoringSettings;
  /** Topic ARN per region. */
  readonly topicArns: Readonly<Record<string, string>>;
  /** The regions with a topic (primary, secondary, us-east-1): every alarm lives in one of them. */
  readonly alertRegions: readonly string[];
  /** Matches every alarm name of this layer (`<prefix>-*`). */
  readonly alarmNamePattern: string;
  readonly alarms: Readonly<Partial<Record<AlarmKind, CloudwatchMetricAlarm>>>;
  /** Alarm name to the region it lives in (describe-alarms must be called there). */
  readonly alarmRegions: Readonly<Record<string, string>>;
  readonly primaryHealthCheck: Route53HealthCheck;
  readonly secondaryHealthCheck?: Route53HealthCheck;
  readonly dashboardName: string;
  /** The stack's account ID and partition (data sources, read in us-east-1). */
  readonly accountId: string;
  readonly partition: string;

  private readonly props: FailoverMonitoringProps;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: FailoverMonitoringProps) {
    super(scope, id);
    const s = resolveSettings(props);
    validateSettings(s, this.node.path);
    validateInputs(props, this.node.path);
    this.settings = s;
    this.props = props;
    this.prefix = props.namePrefix;
    const global = props.globalProvider;

    this.accountId = nameAfterPath(new DataAwsCallerIdentity(this, 'account', { provider: global })).accountId;
    this.partition = nameAfterPath(new DataAwsPartition(this, 'partition', { provider: global })).partition;
    this.alarmNamePattern = alarmNamePattern(this.prefix);

    const regions = this.createTopics();
    this.alertRegions = [...regions.keys()];
    this.primaryHealthCheck = this.createHealthCheck(props.primary);
    this.secondaryHealthCheck = s.secondaryHealthCheck ? this.createHealthCheck(props.secondary) : undefined;
    const { alarms, alarmRegions } = this.createAlarms(regions);
    this.alarms = alarms;
    this.alarmRegions = alarmRegions;
    this.createEventRules(regions);
    this.createTopicPoliciesAndSubscriptions(regions);
    this.topicArns = Object.fromEntries([...regions.values()].map((r) => [r.region, r.topic.arn]));
    this.dashboardName = dashboardName(this.prefix);
    this.createDashboard(Object.values(alarms).map((a) => a.arn));
  }

  private policyDocument(id: string, statements: PolicyStatement[]): DataAwsIamPolicyDocument {
    return nameAfterPath(
      new DataAwsIamPolicyDocument(this, id, { provider: this.props.globalProvider, statement: statements.map(toDocumentStatement) }),
    );
  }

  /** Step 1: a topic (with its module-managed key, unless told otherwise) per region that has alarms or rules. */
  private createTopics(): Map<string, AlertRegion> {
    const { primary, secondary, globalProvider, kmsKeyId, tags } = this.props;
    const prefix = this.prefix;
    const encryption = kmsKeyId !== undefined ? 'given-key' : (this.props.topicEncryption ?? 'module-key');
    const keyPolicy =
      encryption === 'module-key'
        ? this.policyDocument('alerts-key-policy', alertsKeyPolicyStatements({ accountId: this.accountId, partition: this.partition }))
        : undefined;
    const regions = new Map<string, AlertRegion>();
    const addRegion = (region: string, role: AlarmHome, provider: TerraformProvider) => {
      if (regions.has(region)) return;
      let kmsMasterKeyId: string | undefined = kmsKeyId;
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
    addRegion(GLOBAL_METRICS_REGION, 'global', globalProvider);
    return regions;
  }

  /** Step 2: an active HTTPS probe of the service's health path. Global; its metric is in us-east-1. */
  private createHealthCheck(service: IRegionalCompute): Route53HealthCheck {
    const s = this.settings;
    return nameAfterPath(
      new Route53HealthCheck(this, `${service.role}-health-check`, {
        provider: this.props.globalProvider,
        type: 'HTTPS',
        fqdn: service.originDomainName,
        port: 443,
        enableSni: true,
        resourcePath: service.healthCheckPath,
        requestInterval: s.healthCheckIntervalSeconds,
        failureThreshold: s.healthCheckFailureThreshold,
        regions: [...s.healthCheckRegions],
        tags: { ...this.props.tags, Name: healthCheckName(this.prefix, service.role) },
      }),
    );
  }

  /**
   * Step 3: the alarms, each in its metric's region and notifying that region's topic on ALARM and
   * on OK, with CloudFront's additional metrics turned on when the per-code alarms need them.
   */
  private createAlarms(regions: ReadonlyMap<string, AlertRegion>) {
    const { primary, secondary, distributionId, globalProvider } = this.props;
    if (this.settings.additionalCloudFrontMetrics) {
      nameAfterPath(
        new CloudfrontMonitoringSubscription(this, 'cloudfront-additional-metrics', {
          provider: globalProvider,
          distributionId,
          monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
        }),
      );
    }
    const specs = alarmSpecs({
      namePrefix: this.prefix,
      primary: { region: primary.region, serviceName: primary.serviceName, serviceId: primary.serviceId },
      secondary: {
        region: secondary.region,
        serviceName: secondary.serviceName,
        serviceId: secondary.serviceId,
        served: secondary.servedRequestsMetric,
      },
      distributionId,
      primaryHealthCheckId: this.primaryHealthCheck.id,
      secondaryHealthCheckId: this.secondaryHealthCheck?.id,
      settings: this.settings,
    });
    const homeRegion = (home: AlarmHome) =>
      home === 'primary' ? primary.region : home === 'secondary' ? secondary.region : GLOBAL_METRICS_REGION;
    const alarms: Partial<Record<AlarmKind, CloudwatchMetricAlarm>> = {};
    const alarmRegions: Record<string, string> = {};
    for (const spec of specs) {
      const home = regions.get(homeRegion(spec.home))!;
      alarms[spec.kind] = this.alarm(spec, home);
      alarmRegions[spec.name] = home.region;
    }
    return { alarms, alarmRegions };
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

  /**
   * Step 4: EventBridge rules for each service's status changes, as its backend reports them
   * (modules/compute/registry.ts), on the service's own region's default bus, targeting that region's topic.
   */
  private createEventRules(regions: ReadonlyMap<string, AlertRegion>): void {
    const prefix = this.prefix;
    for (const service of [this.props.primary, this.props.secondary]) {
      const home = regions.get(service.region)!;
      const events = computeBackendOf(service).events;
      const id = `${service.role}-${events.slug}-events`;
      const rule = nameAfterPath(
        new CloudwatchEventRule(this, id, {
          provider: service.provider,
          name: eventRuleName(prefix, service.role, events.slug),
          description: `${events.what} of ${prefix}'s ${service.role} service, to ${topicName(prefix)}`,
          eventPattern: Fn.jsonencode(events.pattern([service])),
          tags: this.props.tags,
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
  }

  /** Step 5: each topic's policy (this stack's alarms and this region's rules may publish) and its subscriptions. */
  private createTopicPoliciesAndSubscriptions(regions: ReadonlyMap<string, AlertRegion>): void {
    for (const r of regions.values()) {
      const doc = this.policyDocument(
        `${r.role}-alerts-policy-document`,
        topicPolicyStatements({
          topicArn: r.topic.arn,
          accountId: this.accountId,
          partition: this.partition,
          region: r.region,
          alarmNamePattern: this.alarmNamePattern,
          eventRuleArns: r.eventRuleArns,
        }),
      );
      nameAfterPath(new SnsTopicPolicy(this, `${r.role}-alerts-policy`, { provider: r.provider, arn: r.topic.arn, policy: doc.json }));
      const emails = TerraformIterator.fromList(this.props.alertEmails ?? []);
      nameAfterPath(
        new SnsTopicSubscription(this, `${r.role}-alerts-email`, {
          provider: r.provider,
          forEach: emails,
          topicArn: r.topic.arn,
          protocol: 'email',
          endpoint: emails.value,
        }),
      );
      if (this.props.httpsEndpoint !== undefined) {
        nameAfterPath(
          new SnsTopicSubscription(this, `${r.role}-alerts-https`, {
            provider: r.provider,
            topicArn: r.topic.arn,
            protocol: 'https',
            endpoint: this.props.httpsEndpoint,
          }),
        );
      }
    }
  }

  /** Step 6: one dashboard in us-east-1 for both regions, the edge and the alarms. */
  private createDashboard(alarmArns: string[]): void {
    const { primary, secondary } = this.props;
    nameAfterPath(
      new CloudwatchDashboard(this, 'dashboard', {
        provider: this.props.globalProvider,
        dashboardName: this.dashboardName,
        dashboardBody: Fn.jsonencode(
          dashboardBody({
            title: `${this.prefix}: edge failover ${primary.region} -> ${secondary.region}`,
            primary: { region: primary.region, serviceName: primary.serviceName, serviceId: primary.serviceId },
            secondary: { region: secondary.region, serviceName: secondary.serviceName, serviceId: secondary.serviceId },
            distributionId: this.props.distributionId,
            healthCheckIds: { primary: this.primaryHealthCheck.id, secondary: this.secondaryHealthCheck?.id },
            alarmArns,
            periodSeconds: this.settings.periodSeconds,
            additionalCloudFrontMetrics: this.settings.additionalCloudFrontMetrics,
          }),
        ),
      }),
    );
  }
}

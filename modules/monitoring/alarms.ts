/**
 * The alarms as plain data: what each watches, where it lives, and when it fires. The
 * construct turns each spec into an aws_cloudwatch_metric_alarm; tests read the specs
 * without synthesizing.
 */
import { GLOBAL_METRICS_REGION } from '../../core/aws-facts.js';
import { alarmName, type AlarmKind } from './names.js';
import { failoverActiveThreshold, type MonitoringSettings } from './settings.js';

/** CloudFront and Route 53 publish their metrics in this region only. */
export { GLOBAL_METRICS_REGION };

/** Where an alarm lives: next to one of the services, or in us-east-1 with the global metrics. */
export type AlarmHome = 'primary' | 'secondary' | 'global';

export interface ServiceMetricsSource {
  readonly region: string;
  readonly serviceName: string;
  readonly serviceId: string;
  /** The metric counting requests the service served. @default - AWS/AppRunner Requests (ServiceName, ServiceID) */
  readonly served?: { readonly namespace: string; readonly metricName: string; readonly dimensions: Readonly<Record<string, string>> };
}

export interface AlarmInputs {
  readonly namePrefix: string;
  readonly primary: ServiceMetricsSource;
  readonly secondary: ServiceMetricsSource;
  readonly distributionId: string;
  readonly primaryHealthCheckId: string;
  /** Absent when the secondary has no Route 53 health check. */
  readonly secondaryHealthCheckId?: string;
  readonly settings: MonitoringSettings;
}

export interface AlarmSpec {
  readonly kind: AlarmKind;
  readonly name: string;
  readonly home: AlarmHome;
  /** The region the alarm (and therefore its SNS topic) lives in. */
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** How a period without data counts; chosen per metric (see each spec). */
  readonly treatMissingData: 'notBreaching' | 'breaching' | 'missing' | 'ignore';
  readonly description: string;
}

/** App Runner service-level dimensions ServiceName and ServiceID (docs/aws-behaviour.md#app-runner-metrics-and-events). */
export function appRunnerDimensions(s: ServiceMetricsSource): Record<string, string> {
  return { ServiceName: s.serviceName, ServiceID: s.serviceId };
}

/** CloudFront metrics carry the distribution and the fixed Region=Global. */
export function cloudFrontDimensions(distributionId: string): Record<string, string> {
  return { DistributionId: distributionId, Region: 'Global' };
}

export function alarmSpecs(input: AlarmInputs): AlarmSpec[] {
  const s = input.settings;
  const timing = {
    periodSeconds: s.periodSeconds,
    evaluationPeriods: s.evaluationPeriods,
    datapointsToAlarm: s.datapointsToAlarm,
  };
  const name = (kind: AlarmKind) => alarmName(input.namePrefix, kind);
  const specs: AlarmSpec[] = [];

  const threshold = failoverActiveThreshold(s);
  specs.push({
    kind: 'failover-active',
    name: name('failover-active'),
    home: 'secondary',
    region: input.secondary.region,
    namespace: input.secondary.served?.namespace ?? 'AWS/AppRunner',
    metricName: input.secondary.served?.metricName ?? 'Requests',
    dimensions: input.secondary.served?.dimensions ?? appRunnerDimensions(input.secondary),
    statistic: 'Sum',
    comparisonOperator: 'GreaterThanThreshold',
    threshold,
    ...timing,
    // App Runner and the ALB publish no datapoint for a period without requests: that is the healthy case.
    treatMissingData: 'notBreaching',
    description:
      `Viewers are being served by the secondary (${input.secondary.region}): its ${input.secondary.served?.metricName ?? 'Requests'} exceed ${threshold} per ${s.periodSeconds} s` +
      (threshold > s.failoverRequestsThreshold
        ? ` (${threshold - s.failoverRequestsThreshold} of them allowed for its Route 53 health check)`
        : '') +
      '. OK again means failback: the primary serves viewers again.',
  });

  const healthAlarm = (role: 'primary' | 'secondary', healthCheckId: string): AlarmSpec => ({
    kind: role === 'primary' ? 'primary-unhealthy' : 'secondary-unhealthy',
    name: name(role === 'primary' ? 'primary-unhealthy' : 'secondary-unhealthy'),
    home: 'global',
    region: GLOBAL_METRICS_REGION,
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: { HealthCheckId: healthCheckId },
    statistic: 'Minimum',
    comparisonOperator: 'LessThanThreshold',
    threshold: 1,
    ...timing,
    // Route 53 reports HealthCheckStatus every minute while the check exists; a gap is a
    // CloudWatch delay, not evidence either way, so the alarm keeps its state.
    treatMissingData: 'missing',
    description:
      role === 'primary'
        ? `Route 53 health check of the primary (${input.primary.region}) fails: viewers are being failed over to the secondary. OK again means the primary answers its health path.`
        : `Route 53 health check of the secondary (${input.secondary.region}) fails: there is no standby. If the primary is also down, viewers see errors.`,
  });
  specs.push(healthAlarm('primary', input.primaryHealthCheckId));
  if (input.secondaryHealthCheckId !== undefined) specs.push(healthAlarm('secondary', input.secondaryHealthCheckId));

  const edgeAlarm = (kind: AlarmKind, metricName: string, what: string): AlarmSpec => ({
    kind,
    name: name(kind),
    home: 'global',
    region: GLOBAL_METRICS_REGION,
    namespace: 'AWS/CloudFront',
    metricName,
    dimensions: cloudFrontDimensions(input.distributionId),
    statistic: 'Average',
    comparisonOperator: 'GreaterThanThreshold',
    threshold: s.edgeErrorRatePercent,
    ...timing,
    // CloudFront publishes no error-rate datapoint for a minute without viewer requests.
    treatMissingData: 'notBreaching',
    description: `${what} exceeds ${s.edgeErrorRatePercent}% of viewer requests at the edge: failover is not hiding the failure (both origins fail, or the failure is not a failover code).`,
  });
  specs.push(edgeAlarm('viewers-see-errors', '5xxErrorRate', 'The CloudFront 5xx error rate'));
  if (s.additionalCloudFrontMetrics) {
    for (const code of [502, 503, 504] as const) {
      specs.push(edgeAlarm(`viewers-see-${code}`, `${code}ErrorRate`, `The CloudFront ${code} error rate`));
    }
  }
  return specs;
}

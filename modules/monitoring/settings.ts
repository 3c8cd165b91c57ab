/**
 * Thresholds and timings of the monitoring layer, their defaults, and their validation.
 * Pure: no constructs, no I/O.
 */

/** Regions Route 53 runs health checkers in (botocore route53 HealthCheckRegion). */
export const ROUTE53_HEALTH_CHECK_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
] as const;

/**
 * Route 53 checkers are assumed per region when estimating how many health-check requests the
 * secondary receives. AWS publishes no such figure: its guide says only that checkers in
 * different data centers do not coordinate and that "several requests per second" can arrive.
 * Measure the real background on the dashboard and set healthCheckRequestsPerMinute.
 */
export const ASSUMED_CHECKERS_PER_REGION = 3;

export interface MonitoringSettings {
  /** Alarm period in seconds. The watched metrics are published once a minute, so 60 or a multiple of 60. @default 60 */
  readonly periodSeconds: number;
  /** @default 1 */
  readonly evaluationPeriods: number;
  /** Breaching periods (of evaluationPeriods) that set the alarm off. @default 1 */
  readonly datapointsToAlarm: number;
  /** Viewer requests per period on the secondary above which failover is reported. @default 0 */
  readonly failoverRequestsThreshold: number;
  /** CloudFront error rate (percent) above which viewers-see-errors alarms. @default 1 */
  readonly edgeErrorRatePercent: number;
  /** Route 53 request interval: 10 (fast) or 30 seconds. @default 10 */
  readonly healthCheckIntervalSeconds: number;
  /** Consecutive failed checks before a checker calls the endpoint unhealthy (1-10). @default 2 */
  readonly healthCheckFailureThreshold: number;
  /** Route 53 checker regions, at least 3. @default ['us-east-1', 'us-west-2', 'eu-west-1'] */
  readonly healthCheckRegions: readonly string[];
  /** Whether the secondary gets a Route 53 health check (and the secondary-unhealthy alarm). @default true */
  readonly secondaryHealthCheck: boolean;
  /**
   * Requests per minute the secondary's Route 53 health check adds to its Requests metric.
   * @default - the estimate regions x ASSUMED_CHECKERS_PER_REGION x (60 / interval)
   */
  readonly healthCheckRequestsPerMinute?: number;
  /** CloudFront additional metrics (per-code error rates); billed per distribution. @default false */
  readonly additionalCloudFrontMetrics: boolean;
}

export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = {
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  failoverRequestsThreshold: 0,
  edgeErrorRatePercent: 1,
  healthCheckIntervalSeconds: 10,
  healthCheckFailureThreshold: 2,
  healthCheckRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
  secondaryHealthCheck: true,
  additionalCloudFrontMetrics: false,
};

/** Applies defaults field by field (`??`: an explicit 0 or false is kept). */
export function resolveSettings(partial: Partial<MonitoringSettings> = {}): MonitoringSettings {
  const d = DEFAULT_MONITORING_SETTINGS;
  return {
    periodSeconds: partial.periodSeconds ?? d.periodSeconds,
    evaluationPeriods: partial.evaluationPeriods ?? d.evaluationPeriods,
    datapointsToAlarm: partial.datapointsToAlarm ?? d.datapointsToAlarm,
    failoverRequestsThreshold: partial.failoverRequestsThreshold ?? d.failoverRequestsThreshold,
    edgeErrorRatePercent: partial.edgeErrorRatePercent ?? d.edgeErrorRatePercent,
    healthCheckIntervalSeconds: partial.healthCheckIntervalSeconds ?? d.healthCheckIntervalSeconds,
    healthCheckFailureThreshold: partial.healthCheckFailureThreshold ?? d.healthCheckFailureThreshold,
    healthCheckRegions: partial.healthCheckRegions ?? d.healthCheckRegions,
    secondaryHealthCheck: partial.secondaryHealthCheck ?? d.secondaryHealthCheck,
    healthCheckRequestsPerMinute: partial.healthCheckRequestsPerMinute ?? d.healthCheckRequestsPerMinute,
    additionalCloudFrontMetrics: partial.additionalCloudFrontMetrics ?? d.additionalCloudFrontMetrics,
  };
}

/** Throws the monitoring layer's validation error: the field, the value and what is allowed. */
export function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(`monitoring.${field} = ${JSON.stringify(value)}: allowed: ${allowed}`);
}

/** Throws on the first bad value, naming the field, the value and what is allowed. */
export function validateSettings(s: MonitoringSettings): void {
  const isInt = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!Number.isInteger(s.periodSeconds) || s.periodSeconds < 60 || s.periodSeconds % 60 !== 0) {
    fail(
      'periodSeconds',
      s.periodSeconds,
      'a multiple of 60 seconds (App Runner, CloudFront and Route 53 publish these metrics once a minute, so a shorter period sees gaps)',
    );
  }
  if (s.periodSeconds * s.evaluationPeriods > 86_400) {
    fail(
      'evaluationPeriods',
      s.evaluationPeriods,
      `at most ${86_400 / s.periodSeconds} with a ${s.periodSeconds} s period (CloudWatch evaluates at most one day)`,
    );
  }
  if (!isInt(s.evaluationPeriods, 1, 1440)) fail('evaluationPeriods', s.evaluationPeriods, 'an integer from 1 to 1440');
  if (!isInt(s.datapointsToAlarm, 1, s.evaluationPeriods)) {
    fail('datapointsToAlarm', s.datapointsToAlarm, `an integer from 1 to evaluationPeriods (${s.evaluationPeriods})`);
  }
  if (!(s.failoverRequestsThreshold >= 0)) fail('failoverRequestsThreshold', s.failoverRequestsThreshold, 'a number >= 0');
  if (!(s.edgeErrorRatePercent >= 0 && s.edgeErrorRatePercent <= 100)) {
    fail('edgeErrorRatePercent', s.edgeErrorRatePercent, 'a percentage from 0 to 100');
  }
  if (s.healthCheckIntervalSeconds !== 10 && s.healthCheckIntervalSeconds !== 30) {
    fail('healthCheckIntervalSeconds', s.healthCheckIntervalSeconds, '10 or 30 (Route 53 request intervals)');
  }
  if (!isInt(s.healthCheckFailureThreshold, 1, 10)) {
    fail('healthCheckFailureThreshold', s.healthCheckFailureThreshold, 'an integer from 1 to 10');
  }
  const known = ROUTE53_HEALTH_CHECK_REGIONS as readonly string[];
  const unknown = s.healthCheckRegions.filter((r) => !known.includes(r));
  if (unknown.length > 0 || s.healthCheckRegions.length < 3 || new Set(s.healthCheckRegions).size !== s.healthCheckRegions.length) {
    fail('healthCheckRegions', s.healthCheckRegions, `at least 3 distinct regions from ${known.join(', ')}`);
  }
  if (s.healthCheckRequestsPerMinute !== undefined && !(s.healthCheckRequestsPerMinute >= 0)) {
    fail('healthCheckRequestsPerMinute', s.healthCheckRequestsPerMinute, 'a number >= 0');
  }
}

/**
 * Requests per alarm period that the secondary's own Route 53 health check adds to the
 * secondary's Requests metric: App Runner counts them like any other request, so the
 * failover-active threshold must sit above them.
 */
export function healthCheckBackgroundPerPeriod(s: MonitoringSettings): number {
  if (!s.secondaryHealthCheck) return 0;
  const perMinute =
    s.healthCheckRequestsPerMinute ?? s.healthCheckRegions.length * ASSUMED_CHECKERS_PER_REGION * (60 / s.healthCheckIntervalSeconds);
  return Math.ceil(perMinute * (s.periodSeconds / 60));
}

/** The threshold of the failover-active alarm: viewer requests plus the health-check background. */
export function failoverActiveThreshold(s: MonitoringSettings): number {
  return s.failoverRequestsThreshold + healthCheckBackgroundPerPeriod(s);
}

/**
 * Worst case, in seconds, from an event to the alarm changing state: the data that shows it
 * (health checks take failureThreshold x interval to call an endpoint unhealthy) plus the
 * periods CloudWatch needs. CloudWatch's own delivery delay of about a minute comes on top.
 */
export function detectionSeconds(s: MonitoringSettings, kind: 'health-check' | 'metric'): number {
  const evidence = kind === 'health-check' ? s.healthCheckFailureThreshold * s.healthCheckIntervalSeconds : 0;
  return evidence + s.periodSeconds * s.datapointsToAlarm;
}

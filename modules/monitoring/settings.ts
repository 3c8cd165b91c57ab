/**
 * Thresholds and timings of the monitoring layer, their defaults, and their validation.
 * The settings are the config's `monitoring.*` fields (typed from the config schema); the AWS
 * limits come from core/aws-facts.ts. Pure: no constructs, no I/O.
 */
import type { EdgeFailoverConfig } from '../../config/schema.js';
import {
  ALARM_EVALUATION_PERIODS,
  ALARM_MAX_EVALUATION_SECONDS,
  ALARM_PERIOD_MULTIPLE_SECONDS,
  ROUTE53_FAILURE_THRESHOLD,
  ROUTE53_HEALTH_CHECK_REGIONS,
  ROUTE53_MIN_HEALTH_CHECK_REGIONS,
  ROUTE53_REQUEST_INTERVALS,
  describeRange,
  inRange,
} from '../../core/aws-facts.js';
import { ConstructValidationError, inputError } from '../../core/errors.js';

export { ROUTE53_HEALTH_CHECK_REGIONS };

/**
 * Route 53 checkers are assumed per region when estimating how many health-check requests the
 * secondary receives. AWS publishes no such figure: its guide says only that checkers in
 * different data centers do not coordinate and that "several requests per second" can arrive.
 * Measure the real background on the dashboard and set healthCheckRequestsPerMinute.
 */
export const ASSUMED_CHECKERS_PER_REGION = 3;

/** The config's monitoring fields that tune alarms and health checks. */
type SettingKey =
  | 'periodSeconds'
  | 'evaluationPeriods'
  | 'datapointsToAlarm'
  | 'failoverRequestsThreshold'
  | 'edgeErrorRatePercent'
  | 'healthCheckIntervalSeconds'
  | 'healthCheckFailureThreshold'
  | 'healthCheckRegions'
  | 'secondaryHealthCheck'
  | 'healthCheckRequestsPerMinute'
  | 'additionalCloudFrontMetrics';

/**
 * Thresholds and timings, typed from the config schema (`monitoring.*`; see config/schema.ts and
 * docs/configuration.md for each field). Region names are plain strings here so a
 * construct user can pass any list; validateSettings checks them.
 */
export type MonitoringSettings = Readonly<Omit<Pick<EdgeFailoverConfig['monitoring'], SettingKey>, 'healthCheckRegions'>> & {
  readonly healthCheckRegions: readonly string[];
};

/** The construct's defaults; a test holds them equal to the config's defaults. */
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

/**
 * Throws the monitoring layer's validation error naming the field, the value and what is allowed:
 * a ConstructValidationError when a construct path is given, else a usage InputError.
 */
export function fail(field: string, value: unknown, allowed: string, constructPath?: string): never {
  const f = `monitoring.${field}`;
  if (constructPath !== undefined) throw new ConstructValidationError(constructPath, f, value, allowed);
  throw inputError(f, value, allowed);
}

/** Throws on the first bad value, naming the field, the value and what is allowed (and the construct, when given). */
export function validateSettings(s: MonitoringSettings, constructPath?: string): void {
  const bad = (field: string, value: unknown, allowed: string): never => fail(field, value, allowed, constructPath);
  const minute = ALARM_PERIOD_MULTIPLE_SECONDS;
  if (!Number.isInteger(s.periodSeconds) || s.periodSeconds < minute || s.periodSeconds % minute !== 0) {
    bad(
      'periodSeconds',
      s.periodSeconds,
      `a multiple of ${minute} seconds (App Runner, CloudFront and Route 53 publish these metrics once a minute, so a shorter period sees gaps)`,
    );
  }
  if (!inRange(s.evaluationPeriods, ALARM_EVALUATION_PERIODS))
    bad('evaluationPeriods', s.evaluationPeriods, describeRange(ALARM_EVALUATION_PERIODS));
  if (s.periodSeconds * s.evaluationPeriods > ALARM_MAX_EVALUATION_SECONDS) {
    bad(
      'evaluationPeriods',
      s.evaluationPeriods,
      `at most ${Math.floor(ALARM_MAX_EVALUATION_SECONDS / s.periodSeconds)} with a ${s.periodSeconds} s period (CloudWatch evaluates at most one day)`,
    );
  }
  if (!inRange(s.datapointsToAlarm, { min: 1, max: s.evaluationPeriods })) {
    bad('datapointsToAlarm', s.datapointsToAlarm, `an integer from 1 to evaluationPeriods (${s.evaluationPeriods})`);
  }
  if (!(s.failoverRequestsThreshold >= 0)) bad('failoverRequestsThreshold', s.failoverRequestsThreshold, 'a number >= 0');
  if (!(s.edgeErrorRatePercent >= 0 && s.edgeErrorRatePercent <= 100)) {
    bad('edgeErrorRatePercent', s.edgeErrorRatePercent, 'a percentage from 0 to 100');
  }
  if (!(ROUTE53_REQUEST_INTERVALS as readonly number[]).includes(s.healthCheckIntervalSeconds)) {
    bad(
      'healthCheckIntervalSeconds',
      s.healthCheckIntervalSeconds,
      `${ROUTE53_REQUEST_INTERVALS.join(' or ')} (Route 53 request intervals)`,
    );
  }
  if (!inRange(s.healthCheckFailureThreshold, ROUTE53_FAILURE_THRESHOLD)) {
    bad('healthCheckFailureThreshold', s.healthCheckFailureThreshold, describeRange(ROUTE53_FAILURE_THRESHOLD));
  }
  const known = ROUTE53_HEALTH_CHECK_REGIONS as readonly string[];
  const unknown = s.healthCheckRegions.filter((r) => !known.includes(r));
  if (
    unknown.length > 0 ||
    s.healthCheckRegions.length < ROUTE53_MIN_HEALTH_CHECK_REGIONS ||
    new Set(s.healthCheckRegions).size !== s.healthCheckRegions.length
  ) {
    bad(
      'healthCheckRegions',
      s.healthCheckRegions,
      `at least ${ROUTE53_MIN_HEALTH_CHECK_REGIONS} distinct regions from ${known.join(', ')}`,
    );
  }
  if (s.healthCheckRequestsPerMinute !== undefined && !(s.healthCheckRequestsPerMinute >= 0)) {
    bad('healthCheckRequestsPerMinute', s.healthCheckRequestsPerMinute, 'a number >= 0');
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

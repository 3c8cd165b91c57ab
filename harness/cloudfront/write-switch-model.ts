/**
 * The modelled detection delay of the write switch: how long after the primary fails the
 * switch to the secondary would be made, read from the synthesized stack's monitoring layer.
 *
 * The switch acts on the primary-unhealthy alarm (HealthCheckStatus of the primary's Route 53
 * health check below 1). The model: the health check needs `failure_threshold` failed checks
 * `request_interval` seconds apart, then the alarm needs `datapoints_to_alarm` breaching
 * periods of `period` seconds. It leaves out CloudWatch's own publishing delay, the time an
 * operator takes to act, and KeyValueStore propagation (not published; measured on AWS). It
 * is a model, not a measurement, and the report says so.
 */
type JsonObject = Record<string, unknown>;

export interface WriteSwitchDelay {
  readonly seconds: number;
  /** How the figure was reached, for the report. */
  readonly basis: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The modelled delay, or undefined when the stack has no primary-unhealthy alarm on a health check. */
export function modelledWriteSwitchDelay(tf: JsonObject): WriteSwitchDelay | undefined {
  const resources = isObject(tf.resource) ? tf.resource : {};
  const alarms = isObject(resources.aws_cloudwatch_metric_alarm) ? resources.aws_cloudwatch_metric_alarm : {};
  const checks = isObject(resources.aws_route53_health_check) ? resources.aws_route53_health_check : {};
  for (const alarm of Object.values(alarms)) {
    if (!isObject(alarm) || typeof alarm.alarm_name !== 'string' || !alarm.alarm_name.endsWith('-primary-unhealthy')) continue;
    const dims = isObject(alarm.dimensions) ? alarm.dimensions : {};
    const ref =
      typeof dims.HealthCheckId === 'string' ? /^\$\{aws_route53_health_check\.([A-Za-z0-9_-]+)\.id\}$/.exec(dims.HealthCheckId) : null;
    const check = ref ? checks[ref[1]!] : undefined;
    if (!isObject(check)) continue;
    const interval = num(check.request_interval) ?? 30;
    const threshold = num(check.failure_threshold) ?? 3;
    const period = num(alarm.period);
    const datapoints = num(alarm.datapoints_to_alarm) ?? num(alarm.evaluation_periods) ?? 1;
    if (period === undefined) continue;
    return {
      seconds: interval * threshold + period * datapoints,
      basis:
        `modelled: Route 53 health check ${interval} s x ${threshold} failures + alarm ${alarm.alarm_name} ` +
        `${period} s x ${datapoints} datapoints (CloudWatch delay, operator time and KeyValueStore propagation not included)`,
    };
  }
  return undefined;
}

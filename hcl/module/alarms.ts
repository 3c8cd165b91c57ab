/**
 * The alarm thresholds and timings of the config (`monitoring.periodSeconds`, `evaluationPeriods`,
 * `datapointsToAlarm`, `failoverRequestsThreshold`, `edgeErrorRatePercent`,
 * `healthCheckRequestsPerMinute`) as one input, `alarms`. The alarms, the dashboard's period and
 * the descriptions that quote the numbers read it; failover-active's threshold is, as in
 * modules/monitoring/settings.ts, the viewer requests allowed plus what the secondary's own Route 53
 * health check adds per period (`local.failover_health_check_requests`).
 * Defaults are the stack's values; the rules come from the config schema's JSON Schema, and from
 * core/aws-facts.ts for the period, which zod checks in a refinement JSON Schema cannot carry.
 */
import { ALARM_MAX_EVALUATION_SECONDS, ALARM_PERIOD_MULTIPLE_SECONDS } from '../../core/aws-facts.js';
import {
  ASSUMED_CHECKERS_PER_REGION,
  DEFAULT_MONITORING_SETTINGS,
  healthCheckBackgroundPerPeriod,
} from '../../modules/monitoring/settings.js';
import { HclExportError } from '../errors.js';
import { configJsonSchema, type Json, type JsonObject } from './inputs.js';
import { blocks, intRule } from './settings.js';

type Resources = Record<string, Record<string, JsonObject>>;
interface Range {
  readonly minimum?: number;
  readonly maximum?: number;
}

/** The wording of modules/monitoring/alarms.ts that quotes the numbers. */
const FAILOVER_TEXT = /exceed (\d+(?:\.\d+)?) per (\d+) s( \((\d+) of them allowed for its Route 53 health check\))?\./;
const EDGE_TEXT = /exceeds (\d+(?:\.\d+)?)% of viewer requests/;
const NOTE = ' (%d of them allowed for its Route 53 health check)';

/** Rewrites the alarms and the dashboard in place; returns the variable (none without alarms) and the locals it needs. */
export function alarmInputs(resources: Resources, locals: JsonObject): Record<string, JsonObject> {
  const alarms = Object.values(resources['aws_cloudwatch_metric_alarm'] ?? {});
  const failover = alarms.find((a) => typeof a['alarm_description'] === 'string' && FAILOVER_TEXT.test(a['alarm_description']));
  const edge = alarms.filter((a) => a['namespace'] === 'AWS/CloudFront');
  if (!failover || edge.length === 0) return {};
  const m = FAILOVER_TEXT.exec(failover['alarm_description'] as string)!;
  const period = Number(failover['period']);
  const threshold = Number(failover['threshold']);
  const background = m[4] === undefined ? 0 : Number(m[4]);
  if (Number(m[1]) !== threshold || Number(m[2]) !== period)
    throw new HclExportError('internal', 'The failover-active alarm quotes another threshold or period than it has.');

  // The per-minute figure: null means the estimate, from the secondary's health check as the stack has it.
  const check = Object.entries(resources['aws_route53_health_check'] ?? {}).find(([name]) => /secondary/.test(name))?.[1];
  let perMinute: number | null = null;
  let estimate: number | undefined;
  if (check) {
    const estimated = { ...DEFAULT_MONITORING_SETTINGS, healthCheckRegions: check['regions'] as string[] };
    const at = (periodSeconds: number) =>
      healthCheckBackgroundPerPeriod({ ...estimated, healthCheckIntervalSeconds: Number(check['request_interval']), periodSeconds });
    estimate = at(60);
    if (at(period) !== background) perMinute = (background * 60) / period;
    const perMinuteExpr = `coalesce(var.alarms.health_check_requests_per_minute, ${estimate})`;
    locals['failover_health_check_requests'] = `\${ceil(${perMinuteExpr} * (var.alarms.period_seconds / 60))}`;
  } else locals['failover_health_check_requests'] = 0;
  locals['failover_health_check_note'] =
    `\${local.failover_health_check_requests > 0 ? format("${NOTE}", local.failover_health_check_requests) : ""}`;
  locals['failover_active_threshold'] = '${var.alarms.failover_requests_threshold + local.failover_health_check_requests}';

  const timing = (a: JsonObject) => [a['period'], a['evaluation_periods'], a['datapoints_to_alarm']] as Json[];
  const [, evaluationPeriods, datapointsToAlarm] = timing(failover);
  if (alarms.some((a) => JSON.stringify(timing(a)) !== JSON.stringify(timing(failover))))
    throw new HclExportError('internal', 'The alarms of the stack have different periods or evaluation settings.');
  for (const a of alarms) {
    a['period'] = '${var.alarms.period_seconds}';
    a['evaluation_periods'] = '${var.alarms.evaluation_periods}';
    a['datapoints_to_alarm'] = '${var.alarms.datapoints_to_alarm}';
  }
  failover['threshold'] = '${local.failover_active_threshold}';
  failover['alarm_description'] = (failover['alarm_description'] as string).replace(
    FAILOVER_TEXT,
    'exceed ${local.failover_active_threshold} per ${var.alarms.period_seconds} s${local.failover_health_check_note}.',
  );
  const edgePercent = edge[0]!['threshold'] as Json;
  for (const a of edge) {
    if (a['threshold'] !== edgePercent) throw new HclExportError('internal', 'The CloudFront alarms have different thresholds.');
    a['threshold'] = '${var.alarms.edge_error_rate_percent}';
    if (typeof a['alarm_description'] === 'string')
      a['alarm_description'] = a['alarm_description'].replace(
        EDGE_TEXT,
        'exceeds ${var.alarms.edge_error_rate_percent}% of viewer requests',
      );
  }
  for (const d of Object.values(resources['aws_cloudwatch_dashboard'] ?? {}))
    if (typeof d['dashboard_body'] === 'string')
      d['dashboard_body'] = d['dashboard_body'].replace(
        new RegExp(`"period" = ${period}(?![0-9])`, 'g'),
        '"period" = var.alarms.period_seconds',
      );

  const mon = (configJsonSchema() as unknown as { properties: Record<string, { properties: Record<string, Range> }> }).properties[
    'monitoring'
  ]!.properties;
  const min = (k: string) => mon[k]?.minimum ?? 0;
  const step = ALARM_PERIOD_MULTIPLE_SECONDS;
  const v = 'var.alarms';
  const rules = [
    {
      cond: `${v}.period_seconds >= ${step} && ${v}.period_seconds <= ${ALARM_MAX_EVALUATION_SECONDS} && ${v}.period_seconds % ${step} == 0`,
      text: `period_seconds a multiple of ${step} seconds up to ${ALARM_MAX_EVALUATION_SECONDS} (the metrics are published once a minute)`,
    },
    intRule(`${v}.evaluation_periods`, mon['evaluationPeriods'], 'evaluation_periods'),
    intRule(`${v}.datapoints_to_alarm`, mon['datapointsToAlarm'], 'datapoints_to_alarm'),
    { cond: `${v}.datapoints_to_alarm <= ${v}.evaluation_periods`, text: 'datapoints_to_alarm at most evaluation_periods' },
    {
      cond: `${v}.period_seconds * ${v}.evaluation_periods <= ${ALARM_MAX_EVALUATION_SECONDS}`,
      text: `period_seconds times evaluation_periods at most ${ALARM_MAX_EVALUATION_SECONDS} (CloudWatch evaluates at most one day)`,
    },
    {
      cond: `${v}.failover_requests_threshold >= ${min('failoverRequestsThreshold')}`,
      text: `failover_requests_threshold a number >= ${min('failoverRequestsThreshold')}`,
    },
    {
      cond: `${v}.edge_error_rate_percent >= ${min('edgeErrorRatePercent')} && ${v}.edge_error_rate_percent <= ${mon['edgeErrorRatePercent']?.maximum ?? 100}`,
      text: `edge_error_rate_percent a percentage from ${min('edgeErrorRatePercent')} to ${mon['edgeErrorRatePercent']?.maximum ?? 100}`,
    },
    {
      cond: `${v}.health_check_requests_per_minute == null ? true : ${v}.health_check_requests_per_minute >= ${min('healthCheckRequestsPerMinute')}`,
      text: `health_check_requests_per_minute null (the estimate) or a number >= ${min('healthCheckRequestsPerMinute')}`,
    },
  ];
  return {
    alarms: {
      type: '${object({ period_seconds = number, evaluation_periods = number, datapoints_to_alarm = number, failover_requests_threshold = number, edge_error_rate_percent = number, health_check_requests_per_minute = number })}',
      description:
        "Alarm timing and thresholds: the period, how many periods are evaluated and how many must breach; secondary requests per period above the health-check background that mean failover (failover-active); the CloudFront 5xx error rate in percent that means viewers see errors; requests per minute the secondary's Route 53 health check adds (null: " +
        (estimate === undefined
          ? 'unused, the secondary has no health check'
          : `the estimate of ${estimate}, from ${ASSUMED_CHECKERS_PER_REGION} checkers per health-checker region; measure it on the dashboard`) +
        ').',
      default: {
        period_seconds: period,
        evaluation_periods: evaluationPeriods!,
        datapoints_to_alarm: datapointsToAlarm!,
        failover_requests_threshold: threshold - background,
        edge_error_rate_percent: edgePercent,
        health_check_requests_per_minute: perMinute,
      },
      validation: blocks(rules, 'alarms'),
    },
  };
}

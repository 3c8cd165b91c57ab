/**
 * The stack's metric alarms as the synthesized cdk.tf.json defines them: each
 * `aws_cloudwatch_metric_alarm`'s metric, statistic, period, evaluation periods, datapoints to
 * alarm, comparison, threshold, missing-data treatment, actions and region. Validated whole: every
 * problem in every alarm is reported at once, each naming the field, the value and what is
 * allowed. Pure: the caller reads the file.
 */
import { InputError, type Problem } from '../../core/errors.js';
import { isPlainObject } from '../../core/json.js';
import { COMPARISON_OPERATORS, TREAT_MISSING_DATA, type ThresholdRule } from './evaluate.js';

/** botocore cloudwatch `Statistic`. */
export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface StackAlarm extends ThresholdRule {
  /** The Terraform resource name, e.g. monitoring_failover_active. */
  readonly resource: string;
  readonly alarmName: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Values may be Terraform references (`${aws_apprunner_service.x.service_id}`) until applied. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  /** The region of the alarm's provider; undefined when the provider's region is not a literal. */
  readonly region: string | undefined;
}

const RESOURCE = 'aws_cloudwatch_metric_alarm';

/** Period: 10, 20, 30 or a multiple of 60 (docs/aws-behaviour.md#alarm-periods). */
function validPeriod(p: number): boolean {
  return Number.isInteger(p) && (p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0));
}

/** Provider reference ("aws.primary", or absent for the default provider) to its literal region. */
export function providerRegions(tf: Record<string, unknown>): Map<string, string | undefined> {
  const regions = new Map<string, string | undefined>();
  const provider = isPlainObject<unknown>(tf.provider) ? tf.provider : {};
  const aws = Array.isArray(provider.aws) ? provider.aws : isPlainObject(provider.aws) ? [provider.aws] : [];
  for (const block of aws) {
    if (!isPlainObject<unknown>(block)) continue;
    const key = typeof block.alias === 'string' ? `aws.${block.alias}` : 'aws';
    const region = typeof block.region === 'string' && !block.region.includes('${') ? block.region : undefined;
    regions.set(key, region);
  }
  return regions;
}

/**
 * Every metric alarm in a parsed cdk.tf.json, or an InputError listing every problem (source:
 * `file`). A stack without alarms gives an empty list.
 */
export function readStackAlarms(tf: unknown, file: string): StackAlarm[] {
  if (!isPlainObject<unknown>(tf)) throw new InputError([{ field: '(root)', value: tf, allowed: 'a JSON object', source: file }]);
  const resources = isPlainObject<unknown>(tf.resource) ? tf.resource : {};
  const blocks = resources[RESOURCE];
  if (blocks === undefined) return [];
  const problems: Problem[] = [];
  if (!isPlainObject<unknown>(blocks)) {
    throw new InputError([{ field: `resource.${RESOURCE}`, value: blocks, allowed: 'an object of alarm resources', source: file }]);
  }
  const regions = providerRegions(tf);
  const alarms: StackAlarm[] = [];
  for (const [resource, block] of Object.entries(blocks)) {
    const at = `${RESOURCE}.${resource}`;
    const bad = (field: string, value: unknown, allowed: string): undefined => {
      problems.push({ field: `${at}.${field}`, value, allowed, source: file });
      return undefined;
    };
    if (!isPlainObject<unknown>(block)) {
      bad('(block)', block, 'an object');
      continue;
    }
    const text = (field: string): string | undefined => {
      const v = block[field];
      return typeof v === 'string' && v.length > 0 ? v : bad(field, v, 'a non-empty string');
    };
    const literal = (field: string, ok: (n: number) => boolean, allowed: string, fallback?: number): number | undefined => {
      const v = block[field] ?? fallback;
      return typeof v === 'number' && ok(v) ? v : bad(field, v, `${allowed} (the drill reads the alarm as synthesized: a literal number)`);
    };
    const oneOf = <T extends string>(field: string, allowed: readonly T[], fallback?: T): T | undefined => {
      const v = block[field] ?? fallback;
      return (allowed as readonly unknown[]).includes(v) ? (v as T) : bad(field, v, `one of ${allowed.join(', ')}`);
    };
    const strings = (field: string): string[] | undefined => {
      const v = block[field] ?? [];
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : bad(field, v, 'a list of strings');
    };

    const alarmName = text('alarm_name');
    const namespace = text('namespace');
    const metricName = text('metric_name');
    const dims = block.dimensions ?? {};
    const dimensions =
      isPlainObject<unknown>(dims) && Object.values(dims).every((v) => typeof v === 'string')
        ? (dims as Record<string, string>)
        : bad('dimensions', dims, 'an object of dimension names and string values');
    const statistic = oneOf('statistic', STATISTICS);
    const periodSeconds = literal('period', validPeriod, '10, 20, 30 or a multiple of 60 seconds');
    const evaluationPeriods = literal('evaluation_periods', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
    // Absent, DatapointsToAlarm is the evaluation periods (an N out of N alarm).
    const datapointsToAlarm = literal(
      'datapoints_to_alarm',
      (n) => Number.isInteger(n) && n >= 1 && (evaluationPeriods === undefined || n <= evaluationPeriods),
      `an integer from 1 to evaluation_periods (${String(evaluationPeriods)})`,
      evaluationPeriods,
    );
    const comparisonOperator = oneOf('comparison_operator', COMPARISON_OPERATORS);
    const threshold = literal('threshold', Number.isFinite, 'a finite number');
    // Absent, TreatMissingData is `missing` (botocore PutMetricAlarmInput.TreatMissingData).
    const treatMissingData = oneOf('treat_missing_data', TREAT_MISSING_DATA, 'missing');
    const alarmActions = strings('alarm_actions');
    const okActions = strings('ok_actions');
    const provider = block.provider ?? 'aws';
    if (typeof provider !== 'string' || !regions.has(provider)) {
      bad('provider', provider, `a provider the stack declares (${[...regions.keys()].join(', ') || 'none'})`);
    }
    if (
      alarmName === undefined ||
      namespace === undefined ||
      metricName === undefined ||
      dimensions === undefined ||
      statistic === undefined ||
      periodSeconds === undefined ||
      evaluationPeriods === undefined ||
      datapointsToAlarm === undefined ||
      comparisonOperator === undefined ||
      threshold === undefined ||
      treatMissingData === undefined ||
      alarmActions === undefined ||
      okActions === undefined
    ) {
      continue;
    }
    alarms.push({
      resource,
      alarmName,
      namespace,
      metricName,
      dimensions,
      statistic,
      periodSeconds,
      evaluationPeriods,
      datapointsToAlarm,
      comparisonOperator,
      threshold,
      treatMissingData,
      alarmActions,
      okActions,
      region: typeof provider === 'string' ? regions.get(provider) : undefined,
    });
  }
  if (problems.length > 0) throw new InputError(problems, { heading: `Alarms in ${file} the drill cannot evaluate` });
  return alarms;
}

/**
 * One CloudWatch metric-alarm evaluation, as the CloudWatch User Guide documents it
 * (docs/aws-behaviour/alarms.md): M out of N over the most recent datapoints of the evaluation
 * range, each treatment of missing data, and the premature-alarm rule. Pure.
 */
import { inputError } from '../../core/errors.js';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** The static-threshold operators (botocore cloudwatch `ComparisonOperator`, without the anomaly-band ones). */
export const COMPARISON_OPERATORS = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** A period's datapoint as the alarm sees it. */
export type Classified = 'breaching' | 'notBreaching' | 'missing';

export interface EvaluationRule {
  /** N: how many of the most recent datapoints are evaluated. */
  readonly evaluationPeriods: number;
  /** M: how many of them must breach for ALARM. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

export interface ThresholdRule extends EvaluationRule {
  readonly comparisonOperator: ComparisonOperator;
  readonly threshold: number;
}

/** Whether one datapoint's value breaches the threshold. */
export function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/** Each period's value (undefined: no datapoint) as breaching, not breaching or missing. */
export function classify(values: readonly (number | undefined)[], operator: ComparisonOperator, threshold: number): Classified[] {
  return values.map((v) => (v === undefined ? 'missing' : breaches(v, operator, threshold) ? 'breaching' : 'notBreaching'));
}

function checkRule(rule: EvaluationRule, rangeLength: number): void {
  const n = rule.evaluationPeriods;
  if (!Number.isInteger(n) || n < 1) throw inputError('evaluationPeriods', n, 'an integer >= 1');
  if (!Number.isInteger(rule.datapointsToAlarm) || rule.datapointsToAlarm < 1 || rule.datapointsToAlarm > n) {
    throw inputError('datapointsToAlarm', rule.datapointsToAlarm, `an integer from 1 to evaluationPeriods (${n})`);
  }
  if (!(TREAT_MISSING_DATA as readonly string[]).includes(rule.treatMissingData)) {
    throw inputError('treatMissingData', rule.treatMissingData, TREAT_MISSING_DATA.join(', '));
  }
  if (rangeLength < n) throw inputError('evaluation range', rangeLength, `at least evaluationPeriods (${n}) datapoints`);
}

/**
 * The state one evaluation sets. `range` is the evaluation range, oldest first, most recent last
 * (the guide's tables read left to right the same way); `current` is the alarm's state before
 * this evaluation (what `ignore` keeps).
 */
export function evaluateClassified(range: readonly Classified[], rule: EvaluationRule, current: AlarmStateValue): AlarmStateValue {
  checkRule(rule, range.length);
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const real = range.filter((d) => d !== 'missing');
  const verdict = (breaching: number): AlarmStateValue => (breaching >= m ? 'ALARM' : 'OK');

  // Enough real datapoints: the most recent N of them, from farther back in the range if need be.
  if (real.length >= n) return verdict(real.slice(-n).filter((d) => d === 'breaching').length);

  const realBreaching = real.filter((d) => d === 'breaching').length;
  const filled = n - real.length;
  switch (rule.treatMissingData) {
    case 'breaching':
      return verdict(realBreaching + filled);
    case 'notBreaching':
      return verdict(realBreaching);
    case 'ignore':
    case 'missing': {
      if (real.length === 0) return rule.treatMissingData === 'ignore' ? current : 'INSUFFICIENT_DATA';
      if (realBreaching >= m) return 'ALARM';
      // A real non-breaching datapoint decides: not enough breaching ones.
      if (realBreaching < real.length) return 'OK';
      // Only breaching datapoints, fewer than M: ALARM when the oldest of them is at least M
      // datapoints old (the premature-alarm rule, which the guide's tables apply to `missing`).
      if (rule.treatMissingData === 'ignore') return current;
      const oldestAge = range.length - range.indexOf('breaching');
      return oldestAge >= m ? 'ALARM' : 'INSUFFICIENT_DATA';
    }
  }
}

/** evaluateClassified over raw period values (undefined: no datapoint for that period). */
export function evaluateAlarm(values: readonly (number | undefined)[], rule: ThresholdRule, current: AlarmStateValue): AlarmStateValue {
  return evaluateClassified(classify(values, rule.comparisonOperator, rule.threshold), rule, current);
}

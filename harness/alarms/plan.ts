/**
 * The drill's alarm plan: which of the stack's alarms a run waits for, and how long each wait may
 * take, term by term with the source of each term (docs/aws-behaviour/alarms.md,
 * docs/alarm-detection.md). Pure: the caller reads cdk.tf.json and passes it parsed.
 */
import { inputError } from '../../core/errors.js';
import { isPlainObject } from '../../core/json.js';
import type { StackAlarm } from './stack-alarms.js';

export const ALARMS_MODES = ['assert', 'observe', 'off'] as const;
/** assert: the waits are assertions; observe: measured and reported, never failing the run; off: no alarm phase. */
export type AlarmsMode = (typeof ALARMS_MODES)[number];

/** The alarms a drill waits for: the failover is seen by the secondary's traffic and by the primary's health check. */
export const ASSERTED_ALARM_KINDS = ['failover-active', 'primary-unhealthy'] as const;
export type AssertedAlarmKind = (typeof ASSERTED_ALARM_KINDS)[number];

/** The stack's alarm that stops the fault when it fires (with any --guard-alarm). */
export const DEFAULT_GUARD_KIND = 'viewers-see-errors';

/** The default allowance for the delay before a service's datapoint reaches an alarm (not published by AWS). */
export const DEFAULT_PUBLISHING_ALLOWANCE_SECONDS = 180;
/** Seconds between alarm reads, by default, and the bounds the option accepts. */
export const DEFAULT_ALARM_POLL_SECONDS = 10;
export const ALARM_POLL_BOUNDS = { min: 0.5, max: 60 } as const;

const SOURCES = {
  period: 'docs/aws-behaviour/alarms.md#m-out-of-n',
  publishing: 'docs/aws-behaviour/alarms.md#resolution-of-aws-service-metrics (not published: the drill allowance)',
  cadence: 'docs/aws-behaviour/alarms.md#evaluation-cadence',
  route53: 'docs/aws-behaviour/alarms.md#route-53-health-check-evidence',
  failover: 'the failover threshold (docs/aws-behaviour/expected-failover.md)',
  failback: 'the failback threshold',
} as const;

export interface BoundTerm {
  readonly term: string;
  readonly seconds: number;
  readonly source: string;
}

/** A bound on one wait: the sum of its terms, or the value an option gave. */
export interface AlarmBound {
  readonly seconds: number;
  /** The option that set it, when the user gave it. */
  readonly given?: string;
  readonly terms: readonly BoundTerm[];
}

export interface PlannedAlarm {
  readonly kind: AssertedAlarmKind;
  /** The alarm's name in the synthesized stack (a run's own stack may carry another name prefix). */
  readonly name: string;
  readonly region: string | undefined;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** From the injection until the alarm is ALARM. */
  readonly detect: AlarmBound;
  /** From the start of recovery until the alarm is OK. */
  readonly clear: AlarmBound;
}

export interface AlarmPlan {
  readonly mode: Exclude<AlarmsMode, 'off'>;
  readonly pollIntervalSeconds: number;
  readonly publishingAllowanceSeconds: number;
  readonly alarms: readonly PlannedAlarm[];
  /** Alarm kinds of the stack (the default guard) and full names (--guard-alarm) that stop the fault. */
  readonly guards: { readonly kinds: readonly string[]; readonly names: readonly string[] };
  /** The longest the alarm waits can add to the run: the longest detection plus the longest clearing. */
  readonly addsAtMostSeconds: number;
  /**
   * The fastest the drill may probe the secondary directly: those probes count in the metric failover-active
   * watches (the secondary's requests), so they are held to a fifth of its threshold per period, or the
   * alarm would be ALARM before any fault and could never clear.
   */
  readonly secondaryDirectRateCapHz: number;
}

/** The share of failover-active's threshold the drill's own direct probes of the secondary may use. */
export const DIRECT_PROBE_SHARE_OF_THRESHOLD = 0.2;

export interface AlarmPlanInput {
  readonly mode: Exclude<AlarmsMode, 'off'>;
  /** The stack's alarms (readStackAlarms) and the parsed cdk.tf.json they came from (for the health checks). */
  readonly alarms: readonly StackAlarm[];
  readonly tf: unknown;
  /** The synthesized stack's name prefix: its alarms are named <prefix>-<kind> (modules/monitoring/names.ts). */
  readonly namePrefix: string;
  readonly pollIntervalSeconds: number;
  readonly publishingAllowanceSeconds: number;
  /** --alarm-detection-bound / --alarm-clear-bound: replace the derived bounds. */
  readonly detectionBoundSeconds?: number;
  readonly clearBoundSeconds?: number;
  readonly guardAlarms: readonly string[];
  /** The failover and failback thresholds: the evidence of failover-active is the switch itself. */
  readonly failoverSeconds: number;
  readonly failbackSeconds: number;
  /** Where the alarms were read, for errors. */
  readonly source: string;
}

/** The evaluation cadence: every minute for periods of a minute or more, every 10 s below. */
export function evaluationCadenceSeconds(periodSeconds: number): number {
  return periodSeconds >= 60 ? 60 : 10;
}

/** The Route 53 health check an alarm watches (dimension HealthCheckId = ${aws_route53_health_check.<name>.id}). */
function healthCheckOf(tf: unknown, alarm: StackAlarm): { failureThreshold: number; requestInterval: number } | undefined {
  const ref = /^\$\{aws_route53_health_check\.([\w-]+)\.id\}$/.exec(alarm.dimensions.HealthCheckId ?? '');
  if (!ref || !isPlainObject<unknown>(tf) || !isPlainObject<unknown>(tf.resource)) return undefined;
  const checks = tf.resource.aws_route53_health_check;
  const block = isPlainObject<unknown>(checks) ? checks[ref[1]!] : undefined;
  if (!isPlainObject<unknown>(block)) return undefined;
  // Absent, Route 53's defaults: FailureThreshold 3, RequestInterval 30 (botocore route53 HealthCheckConfig).
  const failureThreshold = typeof block.failure_threshold === 'number' ? block.failure_threshold : 3;
  const requestInterval = typeof block.request_interval === 'number' ? block.request_interval : 30;
  return { failureThreshold, requestInterval };
}

function sum(terms: readonly BoundTerm[]): number {
  return terms.reduce((s, t) => s + t.seconds, 0);
}

function bound(terms: BoundTerm[], given: number | undefined, option: string): AlarmBound {
  return given === undefined ? { seconds: sum(terms), terms } : { seconds: given, given: option, terms };
}

/** The plan for a run with alarms asserted or observed; an InputError when the stack lacks an alarm the drill waits for. */
export function planAlarms(input: AlarmPlanInput): AlarmPlan {
  const planned: PlannedAlarm[] = [];
  let secondaryDirectRateCapHz = Infinity;
  for (const kind of ASSERTED_ALARM_KINDS) {
    const name = `${input.namePrefix}-${kind}`;
    const alarm = input.alarms.find((a) => a.alarmName === name);
    if (!alarm) {
      throw inputError(
        '--alarms',
        input.mode,
        `off, for a stack without the alarm ${name} (${input.source} has ${input.alarms.map((a) => a.alarmName).join(', ') || 'no alarms'}; enable the monitoring layer)`,
      );
    }
    const p = alarm.periodSeconds;
    if (kind === 'failover-active') secondaryDirectRateCapHz = (alarm.threshold * DIRECT_PROBE_SHARE_OF_THRESHOLD) / p;
    const cadence: BoundTerm = { term: 'the next evaluation', seconds: evaluationCadenceSeconds(p), source: SOURCES.cadence };
    const publishing: BoundTerm = {
      term: 'the datapoint reaches CloudWatch',
      seconds: input.publishingAllowanceSeconds,
      source: SOURCES.publishing,
    };
    const check = kind === 'primary-unhealthy' ? healthCheckOf(input.tf, alarm) : undefined;
    const evidence = (failing: boolean): BoundTerm =>
      kind === 'failover-active'
        ? {
            term: failing ? 'the failover itself' : 'the failback itself',
            seconds: failing ? input.failoverSeconds : input.failbackSeconds,
            source: failing ? SOURCES.failover : SOURCES.failback,
          }
        : check
          ? {
              term: `Route 53 sees the primary ${failing ? 'fail' : 'pass'}: ${check.failureThreshold} × ${check.requestInterval} s`,
              seconds: check.failureThreshold * check.requestInterval,
              source: SOURCES.route53,
            }
          : { term: 'Route 53 evidence (the health check is not in the stack as literals)', seconds: 0, source: SOURCES.route53 };
    // ALARM needs M breaching periods; OK needs enough non-breaching ones that fewer than M of the last N breach.
    const toClear = alarm.evaluationPeriods - alarm.datapointsToAlarm + 1;
    planned.push({
      kind,
      name,
      region: alarm.region,
      periodSeconds: p,
      evaluationPeriods: alarm.evaluationPeriods,
      datapointsToAlarm: alarm.datapointsToAlarm,
      detect: bound(
        [
          evidence(true),
          {
            term: `${alarm.datapointsToAlarm} breaching period(s) of ${p} s close`,
            seconds: p * alarm.datapointsToAlarm,
            source: SOURCES.period,
          },
          publishing,
          cadence,
        ],
        input.detectionBoundSeconds,
        '--alarm-detection-bound',
      ),
      clear: bound(
        [
          evidence(false),
          { term: `${toClear} period(s) of ${p} s without breaching`, seconds: p * toClear, source: SOURCES.period },
          publishing,
          cadence,
        ],
        input.clearBoundSeconds,
        '--alarm-clear-bound',
      ),
    });
  }
  const longest = (pick: (a: PlannedAlarm) => number) => Math.max(...planned.map(pick));
  return {
    mode: input.mode,
    pollIntervalSeconds: input.pollIntervalSeconds,
    publishingAllowanceSeconds: input.publishingAllowanceSeconds,
    alarms: planned,
    guards: { kinds: [DEFAULT_GUARD_KIND], names: [...new Set(input.guardAlarms)] },
    addsAtMostSeconds: longest((a) => a.detect.seconds) + longest((a) => a.clear.seconds),
    secondaryDirectRateCapHz: Math.round(secondaryDirectRateCapHz * 1000) / 1000,
  };
}

function boundText(b: AlarmBound): string {
  const terms = b.terms.map((t) => `${t.term} ${t.seconds} s [${t.source}]`).join(' + ');
  return b.given ? `${b.seconds} s (given: ${b.given}; derived: ${sum(b.terms)} s = ${terms})` : `${b.seconds} s = ${terms}`;
}

/** The plan as the run prints it before it starts: each bound with its basis, and how long the waits may take. */
export function describeAlarmPlan(plan: AlarmPlan): string[] {
  const guards = [...plan.guards.kinds.map((k) => `the stack's ${k}`), ...plan.guards.names].join(', ');
  return [
    `alarms: ${plan.mode === 'assert' ? 'asserted' : 'observed (never failing the run)'}; the fault is held until ${plan.alarms.map((a) => a.kind).join(' and ')} are ALARM, then they must be OK again; waiting for them adds at most ${plan.addsAtMostSeconds} s to the run`,
    ...plan.alarms.flatMap((a) => [
      `alarm ${a.name} (${a.region ?? 'region not literal'}; ${a.datapointsToAlarm} of ${a.evaluationPeriods} × ${a.periodSeconds} s): ALARM within ${boundText(a.detect)}`,
      `alarm ${a.name}: OK within ${boundText(a.clear)}`,
    ]),
    `guard alarms (end the fault at once in ALARM): ${guards}; alarm states read every ${plan.pollIntervalSeconds} s (a guard is seen at most that late)`,
  ];
}

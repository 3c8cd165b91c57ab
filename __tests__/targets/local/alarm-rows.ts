/**
 * The alarm rows of the config-mutation suite: each an edit to the synthesized stack's alarms (what
 * an escape-hatch override, or a hand-edited module, would write) and which of the drill's
 * asserted alarms still reach ALARM in AWS. alarms.test.ts runs the real drill on each with
 * `--alarms assert`; docs/local-world.md's "Alarms in the local world" table lists them.
 */
import type { AssertedAlarmKind } from '../../../harness/alarms/plan.js';
import { DRILL_ARGS } from './fidelity-rows.js';

type TfJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The drill's edge rate (DRILL_ARGS): at most this many viewer requests a second reach the secondary. */
export const DRILL_RATE_HZ = Number(DRILL_ARGS[DRILL_ARGS.indexOf('--rate') + 1]);

/**
 * The alarm runs' options: the drill's short settings, alarms asserted and read every second, no
 * publishing allowance (the local world's datapoints are in its CloudWatch at once), and direct
 * probes at their slowest, since each counts in the secondary's Requests as a viewer's would.
 */
/**
 * The alarm drills run five at once in one process for minutes: edge GETs at 2/s (still far above what
 * failover-active needs to fire) keep a busy machine from starving them. What such starvation can
 * still cause (viewer errors, a slow failback) is not what these rows judge (the fidelity rows do):
 * those thresholds are out of reach, and steady state, failover and failback may take up to 2 min to
 * be seen, because a failover not seen in time ends the fault before the alarms are waited for. The
 * failover threshold stays the default (the expected failover plus 5 s): it is a term of
 * failover-active's detection bound, which the rows where that alarm never fires wait out.
 */
export const ALARM_ARGS = [
  '--rate',
  '2',
  '--direct-rate',
  '0.1',
  '--max-get-errors',
  '1000000',
  '--failback-threshold',
  '30',
  '--steady-timeout',
  '120',
  '--observe-timeout',
  '120',
  '--alarms',
  'assert',
  '--alarm-poll-interval',
  '1',
  '--alarm-publishing-allowance',
  '0',
];

/**
 * The shortest timing the config schema allows: 60 s periods (schema: a multiple of 60), one of one
 * datapoint, and Route 53's 10 s interval with a failure threshold of 1. The guard alarm
 * (viewers-see-errors) is set where no viewer error rate can cross it (greater than 100%): on a
 * loaded machine the drill's own GETs time out often enough to cross the default 1%, and the guard
 * then ends the fault before either alarm is waited for. What a guard does is judged by the e2e
 * suite and the alarm-phase unit suites, not by these rows.
 */
export const ALARM_MONITORING = {
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  healthCheckIntervalSeconds: 10,
  healthCheckFailureThreshold: 1,
  edgeErrorRatePercent: 100,
};

export interface AlarmRow {
  /** First column of the table in docs/local-world.md. */
  readonly name: string;
  /** What is changed, for docs/local-world.md. */
  readonly change: string;
  /** What AWS does with it, for docs/local-world.md. */
  readonly aws: string;
  readonly mutate?: (tf: TfJson) => void;
  /** The asserted alarms that reach ALARM (and then OK) in AWS; the others never do. */
  readonly fires: readonly AssertedAlarmKind[];
}

const alarm = (tf: TfJson, resource: string) => tf.resource.aws_cloudwatch_metric_alarm[resource];

export const ALARM_ROWS: readonly AlarmRow[] = [
  {
    name: 'alarms as synthesized',
    change: '(none)',
    aws: 'failover-active and primary-unhealthy reach ALARM while the primary is paused, OK after recovery',
    fires: ['failover-active', 'primary-unhealthy'],
  },
  {
    name: 'failover-active: another dimension',
    change: "`ServiceName` of the primary's service (with the secondary's `ServiceID`)",
    aws: 'no metric has that dimension set: no datapoints, notBreaching, OK throughout',
    mutate: (tf) => {
      alarm(tf, 'monitoring_failover_active').dimensions.ServiceName = '${aws_apprunner_service.primary_service.service_name}';
    },
    fires: ['primary-unhealthy'],
  },
  {
    name: 'failover-active: another region',
    change: "`provider = aws.primary`: the alarm lives where the secondary's service does not publish",
    aws: 'an alarm reads metrics of its own region only: no datapoints, OK throughout',
    mutate: (tf) => {
      alarm(tf, 'monitoring_failover_active').provider = 'aws.primary';
    },
    fires: ['primary-unhealthy'],
  },
  {
    name: "failover-active: a threshold the drill's traffic cannot cross",
    change: `\`threshold\` = 10 × the drill's ${DRILL_RATE_HZ}/s × the 60 s period`,
    aws: 'the secondary serves at most the drill rate: never greater than the threshold, OK throughout',
    mutate: (tf) => {
      const a = alarm(tf, 'monitoring_failover_active');
      a.threshold = 10 * DRILL_RATE_HZ * a.period;
    },
    fires: ['primary-unhealthy'],
  },
  {
    name: 'primary-unhealthy: treatMissingData keeps it OK',
    change:
      "watches the primary's `AWS/AppRunner` `2xxStatusResponses` (Sum < 1) with `treat_missing_data = notBreaching` instead of Route 53's status",
    aws: 'a paused service publishes no datapoint: each missing period counts as not breaching, OK throughout',
    mutate: (tf) => {
      Object.assign(alarm(tf, 'monitoring_primary_unhealthy'), {
        namespace: 'AWS/AppRunner',
        metric_name: '2xxStatusResponses',
        dimensions: {
          ServiceName: '${aws_apprunner_service.primary_service.service_name}',
          ServiceID: '${aws_apprunner_service.primary_service.service_id}',
        },
        statistic: 'Sum',
        treat_missing_data: 'notBreaching',
      });
    },
    fires: ['failover-active'],
  },
];

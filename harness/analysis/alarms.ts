/**
 * The alarm phase's results as run.json keeps them, and their assertions: each asserted alarm
 * reached ALARM within its detection bound after the injection and OK within its clearing bound
 * after recovery began (times from the alarm's history), and no guard alarm fired while the
 * primary was faulted. Pure.
 */
import type { AlarmPlan, PlannedAlarm } from '../alarms/plan.js';
import type { Assertion, Verdict } from './verdict.js';

/** One wait for an alarm state, timed by the alarm's history. */
export interface AlarmWait {
  /** The state waited for. */
  readonly state: 'ALARM' | 'OK';
  /** Epoch ms the wait counts from: the injection (ALARM) or the start of recovery (OK). */
  readonly from: number;
  readonly boundSeconds: number;
  /** Epoch ms of the history's StateUpdate into `state` at or after `from`; null when none was seen within the bound. */
  readonly reachedAt: number | null;
  /** reachedAt − from, in seconds; null when not reached. */
  readonly seconds: number | null;
  /** The state reason the history gives for the transition, or why nothing was timed. */
  readonly reason?: string;
}

export interface AlarmResult {
  readonly kind: PlannedAlarm['kind'];
  readonly name: string;
  readonly region: string;
  /** The alarm's state before the fault was injected. */
  readonly stateBefore: string;
  /** Actions as the cloud returns them, and whether an SNS topic is among the ALARM actions. */
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly notifiesSns: boolean;
  readonly detect?: AlarmWait;
  readonly clear?: AlarmWait;
}

export interface GuardStop {
  readonly name: string;
  readonly region: string;
  readonly reason: string;
  /** Epoch ms the drill read the guard in ALARM. */
  readonly seenAt: number;
}

/** run.json's `alarms` block. */
export interface AlarmsReport {
  readonly plan: AlarmPlan;
  readonly results: readonly AlarmResult[];
  /** The guard alarms watched while the primary was faulted, as found (name and region). */
  readonly guards: readonly { readonly name: string; readonly region: string }[];
  /** The guard alarm that ended the fault, when one did. */
  readonly stoppedBy?: GuardStop;
}

/** An SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>). */
export function isSnsArn(arn: string): boolean {
  return /^arn:[\w-]+:sns:[\w-]+:\d{12}:[\w-]+$/.test(arn);
}

function waitAssertion(r: AlarmResult, w: AlarmWait | undefined, which: 'detect' | 'clear', asserted: boolean): Assertion {
  const state = which === 'detect' ? 'ALARM' : 'OK';
  const since = which === 'detect' ? 'the injection' : 'the start of recovery';
  const id = which === 'detect' ? ('alarm-detection' as const) : ('alarm-clearing' as const);
  const title = `${r.name} is ${state} within the bound after ${since}`;
  const base = { id, title, comparison: '<=' as const, unit: 's' as const };
  if (!w) {
    const why =
      which === 'clear' && r.detect && r.detect.reachedAt === null
        ? 'it never reached ALARM, so there was nothing to clear'
        : `the run ended before ${which === 'detect' ? 'the fault' : 'recovery'} was held for it`;
    return { ...base, status: 'skipped', measured: null, threshold: 0, message: `not waited for: ${why}` };
  }
  const reached = w.seconds !== null && w.seconds <= w.boundSeconds;
  const measured = w.seconds === null ? `never reached after ${since}` : `${w.seconds.toFixed(1)} s after ${since}`;
  const why = w.seconds === null ? `; ${w.reason ?? `no transition to ${state} in its history`}` : '';
  return {
    ...base,
    status: !asserted ? 'skipped' : reached ? 'passed' : 'failed',
    measured: w.seconds,
    threshold: w.boundSeconds,
    message: `${r.name} (${r.region}) ${state} ${measured} (history timestamp), bound ${w.boundSeconds} s${why}${asserted ? '' : ' (observed, not asserted: --alarms observe)'}`,
  };
}

export function judgeAlarms(report: AlarmsReport): Assertion[] {
  const asserted = report.plan.mode === 'assert';
  const waits = report.results.flatMap((r) => [
    waitAssertion(r, r.detect, 'detect', asserted),
    waitAssertion(r, r.clear, 'clear', asserted),
  ]);
  const s = report.stoppedBy;
  const guard: Assertion = {
    id: 'guard-alarms',
    title: 'No guard alarm fired while the primary was faulted',
    status: s ? 'failed' : 'passed',
    measured: s ? 1 : 0,
    threshold: 0,
    comparison: '<=',
    unit: 'alarms',
    message: s
      ? `guard alarm ${s.name} (${s.region}) was ALARM while the primary was faulted: ${s.reason}; the fault was ended at once`
      : `none of ${report.guards.map((g) => g.name).join(', ') || 'the guard alarms'} was ALARM while the primary was faulted`,
  };
  return [...waits, guard];
}

/** The verdict with the alarm assertions added; a failed one fails a run that had passed. */
export function withAlarmAssertions(verdict: Verdict, report: AlarmsReport): Verdict {
  const added = judgeAlarms(report);
  const assertions = [...verdict.assertions, ...added];
  if (verdict.outcome === 'aborted') return { ...verdict, assertions };
  const failed = added.filter((a) => a.status === 'failed');
  if (failed.length === 0) return { ...verdict, assertions };
  const why = failed.map((a) => a.message).join('; ');
  return verdict.outcome === 'failed'
    ? { ...verdict, assertions, summary: `${verdict.summary}; ${why}` }
    : { outcome: 'failed', exitCode: 1, assertions, summary: `FAILED: ${why}` };
}

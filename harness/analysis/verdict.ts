/**
 * The verdict: measurements judged against thresholds, one assertion each. Pure.
 */
import type { Fault } from '../targets/target.js';
import { errorStats, withinPhase, type ErrorStats, type Measurements } from './measure.js';
import { completedAt, isSuccess, phaseOf, PHASE_TITLES, type PhaseName, type PhaseRecord, type Timeline } from './timeline.js';

export interface Thresholds {
  /** Longest acceptable failover time, in seconds. @default 5 */
  readonly failoverSeconds: number;
  /** Longest acceptable failback time, in seconds. @default 5 */
  readonly failbackSeconds: number;
  /** Most viewer GET errors (edge GETs without a 2xx) acceptable over the whole drill. @default 0 */
  readonly maxViewerGetErrors: number;
  /** Consecutive primary-served edge GETs that make a steady state. @default 10 */
  readonly steadyProbes: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  failoverSeconds: 5,
  failbackSeconds: 5,
  maxViewerGetErrors: 0,
  steadyProbes: 10,
};

export type AssertionStatus = 'passed' | 'failed' | 'skipped';

export interface Assertion {
  /** Stable identifier, used as the JUnit test case name. */
  readonly id:
    | 'origins-answer'
    | 'primary-serves'
    | 'failover-time'
    | 'failback-time'
    | 'viewer-get-errors'
    // A negative control (--expect no-failover):
    | 'fault-visible'
    | 'secondary-serves-nothing'
    // With the write router (analysis/writes.ts):
    | 'write-rto'
    | 'split-brain-writes'
    | 'switch-back-write-errors'
    // With the alarm phase (analysis/alarms.ts):
    | 'alarm-detection'
    | 'alarm-clearing'
    | 'guard-alarms';
  readonly title: string;
  readonly status: AssertionStatus;
  /** The measured value; null when nothing could be measured. */
  readonly measured: number | null;
  readonly threshold: number;
  /** How measured compares with threshold for a pass. */
  readonly comparison: '<=' | '>=';
  readonly unit: 's' | 'probes' | 'errors' | 'origins' | 'alarms';
  /** One sentence: the measured value against the threshold, or why it was skipped. */
  readonly message: string;
}

export type Outcome = 'passed' | 'failed' | 'aborted';

export interface Verdict {
  readonly outcome: Outcome;
  /** 0 passed, 1 an assertion failed, 3 aborted (infrastructure error or signal). */
  readonly exitCode: 0 | 1 | 3;
  readonly assertions: readonly Assertion[];
  /** One line for people. */
  readonly summary: string;
}

export interface JudgeInput {
  readonly measurements: Measurements;
  readonly thresholds: Thresholds;
  readonly phases: readonly PhaseRecord[];
  /** Set when the run was aborted (a signal or an infrastructure error). */
  readonly aborted?: { readonly phase: PhaseName; readonly reason: string };
  /** Set for a negative control (--expect no-failover): what viewers saw of the fault (`negativeControl()`). */
  readonly noFailover?: NegativeControl;
}

/** What viewers saw of a fault that is not failed over. */
export interface NegativeControl {
  /** The fault, as the CLI spells it. */
  readonly fault: string;
  /** What a viewer meets when the fault reaches it, in words ("a 501", "an answer after 300 ms or later"). */
  readonly shows: string;
  /** Edge GETs sent and answered during the outage (inject and observe failover). */
  readonly outageGets: number;
  /** Of those, the ones that showed the fault. */
  readonly faultSeen: number;
  /**
   * Edge GETs whose whole span lies outside the outage (answered before injection began, or sent after
   * recovery ended): they must see no error. A GET that straddles either boundary is neither side's.
   */
  readonly outsideGets: ErrorStats;
}

/**
 * What viewers saw of a fault the edge is not expected to fail over: the edge GETs sent and answered
 * during the outage, and those that showed the fault (its status code; for a slow primary an answer
 * at least that late; for a connection fault any answer without a 2xx).
 */
export function negativeControl(fault: Fault, spelled: string, timeline: Timeline): NegativeControl {
  // The outage: from the start of injection to the end of the failover phase, when recovery starts.
  // One window, so that a GET sent while the fault was applied and answered after is counted.
  const inject = phaseOf(timeline, 'inject');
  const outage = inject && { ...inject, endedAt: (phaseOf(timeline, 'failover') ?? inject).endedAt };
  const gets = timeline.probes.filter((p) => p.kind === 'edge' && !p.cancelled && outage !== undefined && withinPhase(p, outage));
  const [shows, seen]: [string, (p: (typeof gets)[number]) => boolean] =
    fault.kind === 'pause'
      ? ['a 404', (p) => p.status === 404]
      : fault.kind === 'error'
        ? [`a ${fault.status}`, (p) => p.status === fault.status]
        : fault.kind === 'slow'
          ? [`an answer ${fault.ms} ms late or later`, (p) => isSuccess(p) && p.latencyMs >= fault.ms]
          : ['an answer without a 2xx', (p) => !isSuccess(p)];
  const began = inject?.startedAt ?? Infinity;
  const ended = phaseOf(timeline, 'recover')?.endedAt ?? Infinity;
  const outside = timeline.probes.filter((p) => p.kind === 'edge' && !p.cancelled && (completedAt(p) < began || p.sentAt > ended));
  return { fault: spelled, shows, outageGets: gets.length, faultSeen: gets.filter(seen).length, outsideGets: errorStats(outside) };
}

export function judge(input: JudgeInput): Verdict {
  const { measurements: m, thresholds: t } = input;
  const reached = (name: PhaseName): string | undefined => {
    const phase = input.phases.find((p) => p.name === name);
    if (phase && (phase.status === 'passed' || phase.status === 'failed')) return undefined;
    if (input.aborted) return `not reached: the run was aborted during ${PHASE_TITLES[input.aborted.phase].toLowerCase()}`;
    const failed = input.phases.find((p) => p.status === 'failed');
    return failed ? `not reached: ${PHASE_TITLES[failed.name].toLowerCase()} failed` : 'not reached';
  };

  const assertions: Assertion[] = [];
  const steadySkip = reached('steady');
  const answered = (['primary', 'secondary'] as const).filter((r) => m.steady.originsAnswered[r]);
  assertions.push(
    steadySkip && answered.length < 2
      ? skipped('origins-answer', 'Both origins answer directly', 2, '>=', 'origins', steadySkip)
      : check({
          id: 'origins-answer',
          title: 'Both origins answer directly',
          measured: answered.length,
          threshold: 2,
          comparison: '>=',
          unit: 'origins',
          detail:
            answered.length === 2
              ? 'both origins answered direct probes'
              : `only ${answered.join(' and ') || 'no origin'} answered direct probes`,
        }),
  );
  assertions.push(
    steadySkip && m.steady.longestPrimaryRun < t.steadyProbes
      ? skipped('primary-serves', 'The primary serves in steady state', t.steadyProbes, '>=', 'probes', steadySkip)
      : check({
          id: 'primary-serves',
          title: 'The primary serves in steady state',
          measured: m.steady.longestPrimaryRun,
          threshold: t.steadyProbes,
          comparison: '>=',
          unit: 'probes',
          detail:
            m.steady.longestPrimaryRun >= t.steadyProbes
              ? `${m.steady.longestPrimaryRun} consecutive edge GETs were served by the primary`
              : m.steady.longestPrimaryRun === 0
                ? `the primary never served an edge GET${m.steady.secondaryServed > 0 ? ` (${m.steady.secondaryServed} were served by the secondary)` : ''}; check the Host header and the origin settings`
                : `at most ${m.steady.longestPrimaryRun} consecutive edge GETs were served by the primary`,
        }),
  );

  const control = input.noFailover;
  if (control) assertions.push(...negativeControlAssertions(control, m, reached('failover')));
  for (const [id, what, threshold, tr] of [
    ['failover-time', 'failover', t.failoverSeconds, m.failover],
    ['failback-time', 'failback', t.failbackSeconds, m.failback],
  ] as const) {
    if (control && id === 'failover-time') continue;
    const title = `${what === 'failover' ? 'Failover' : 'Failback'} within ${threshold} s`;
    const skip = reached(what);
    if (skip) {
      assertions.push(skipped(id, title, threshold, '<=', 's', skip));
      continue;
    }
    const because = tr.notes.length > 0 ? ` ${tr.notes.join(' ')}` : '';
    assertions.push(
      tr.seconds === null
        ? {
            id,
            title,
            status: 'failed',
            measured: null,
            threshold,
            comparison: '<=',
            unit: 's',
            message: `${what} time could not be measured (threshold ${threshold} s).${because}`,
          }
        : check({
            id,
            title,
            measured: round3(tr.seconds),
            threshold,
            comparison: '<=',
            unit: 's',
            detail: `${what} took ${round3(tr.seconds)} s${tr.early ? ' (early: the edge switched before the direct probes saw the change)' : ''}`,
          }),
    );
  }

  // A negative control's viewers are meant to see the fault during the outage: errors count outside it.
  const gets = control ? control.outsideGets : m.totals.viewerGets;
  const codes = Object.entries(gets.codes)
    .map(([c, n]) => `${c}×${n}`)
    .join(', ');
  assertions.push(
    gets.probes === 0
      ? skipped('viewer-get-errors', 'Viewers see no GET errors', t.maxViewerGetErrors, '<=', 'errors', 'no edge GET was sent')
      : check({
          id: 'viewer-get-errors',
          title: `Viewer GET errors${control ? ' outside the outage' : ''} at most ${t.maxViewerGetErrors}`,
          measured: gets.errors,
          threshold: t.maxViewerGetErrors,
          comparison: '<=',
          unit: 'errors',
          detail: `${gets.errors} of ${gets.probes} edge GETs failed${codes ? ` (${codes})` : ''}`,
        }),
  );

  const failed = assertions.filter((a) => a.status === 'failed');
  if (input.aborted) {
    return {
      outcome: 'aborted',
      exitCode: 3,
      assertions,
      summary: `ABORTED during ${PHASE_TITLES[input.aborted.phase].toLowerCase()}: ${input.aborted.reason}`,
    };
  }
  if (failed.length > 0) {
    return { outcome: 'failed', exitCode: 1, assertions, summary: `FAILED: ${failed.map((a) => a.message).join('; ')}` };
  }
  // A run with no data never passes: an assertion skipped without an abort and without an
  // earlier failure to explain it (e.g. a run.json with no phases) proves nothing, so it fails.
  if (assertions.some((a) => a.status === 'skipped')) {
    const unproven = assertions.map((a) =>
      a.status === 'skipped' ? { ...a, status: 'failed' as const, message: `nothing was measured (${a.message})` } : a,
    );
    const what = unproven.filter((_a, i) => assertions[i]!.status === 'skipped').map((a) => `${a.title}: ${a.message}`);
    return { outcome: 'failed', exitCode: 1, assertions: unproven, summary: `FAILED: no data to judge. ${what.join('; ')}` };
  }
  const fo = m.failover.seconds;
  const fb = m.failback.seconds;
  if (control) {
    return {
      outcome: 'passed',
      exitCode: 0,
      assertions,
      summary: `PASSED (no failover expected): viewers saw ${seenText(control)}, the secondary served nothing, failback ${fb === null ? '?' : round3(fb)} s`,
    };
  }
  return {
    outcome: 'passed',
    exitCode: 0,
    assertions,
    summary: `PASSED: failover ${fo === null ? '?' : round3(fo)} s, failback ${fb === null ? '?' : round3(fb)} s, ${gets.errors} viewer GET errors in ${gets.probes} probes`,
  };
}

function negativeControlAssertions(c: NegativeControl, m: Measurements, skip: string | undefined): Assertion[] {
  const secondary = m.phases.reduce((n, p) => n + p.servedBy.secondary, 0);
  const visibleTitle = `Viewers see the fault (${c.fault}): it is not failed over`;
  const nothingTitle = 'The secondary serves nothing';
  return [
    skip
      ? skipped('fault-visible', visibleTitle, 1, '>=', 'probes', skip)
      : check({
          id: 'fault-visible',
          title: visibleTitle,
          measured: c.faultSeen,
          threshold: 1,
          comparison: '>=',
          unit: 'probes',
          detail: `${c.faultSeen} of ${c.outageGets} edge GETs sent and answered during the outage got ${c.shows}`,
        }),
    check({
      id: 'secondary-serves-nothing',
      title: nothingTitle,
      measured: secondary,
      threshold: 0,
      comparison: '<=',
      unit: 'probes',
      detail: `the secondary served ${secondary} edge GET(s) over the whole drill`,
    }),
  ];
}

/** Viewer GET errors of the phases outside a negative control's outage (steady state, failback). */
function check(a: Omit<Assertion, 'status' | 'message'> & { readonly detail: string }): Assertion {
  const pass = a.measured !== null && (a.comparison === '<=' ? a.measured <= a.threshold : a.measured >= a.threshold);
  const { detail, ...rest } = a;
  const bound = `${a.comparison === '<=' ? 'at most' : 'at least'} ${a.threshold}${a.unit === 's' ? ' s' : ` ${a.unit}`}`;
  return {
    ...rest,
    status: pass ? 'passed' : 'failed',
    message: `${detail}; measured ${a.measured}${a.unit === 's' ? ' s' : ''}, threshold ${bound}`,
  };
}

function skipped(
  id: Assertion['id'],
  title: string,
  threshold: number,
  comparison: Assertion['comparison'],
  unit: Assertion['unit'],
  reason: string,
): Assertion {
  return { id, title, status: 'skipped', measured: null, threshold, comparison, unit, message: reason };
}

function seenText(control: NegativeControl): string {
  return `${control.shows} in ${control.faultSeen} of ${control.outageGets} edge GETs during the outage`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * History across runs: each run's figures, regressions against the rolling median of the previous
 * comparable runs, flakes and persistent failures. Pure: validated run records in, an analysis out.
 *
 * - Comparable runs share a fingerprint id (`fingerprint.ts`). Records without one (older drills)
 *   are grouped as "no fingerprint", per target and fault.
 * - A figure of a completed run regressed when it exceeds the median of the previous `window`
 *   comparable completed runs that have it (at least `minBaseline` of them) by more than the
 *   tolerance: the largest of the figure's absolute floor, `relativeFloor` × the median, and
 *   `madMultiplier` × 1.4826 × the median absolute deviation of those runs.
 * - A failed (or stopped) run followed by a pass of the same fingerprint, alone between passes,
 *   is a flake; two or more failures in a row are a persistent failure; a failure with no later
 *   run of its fingerprint is unresolved. Aborted runs prove nothing and are skipped over.
 */
import type { RunFingerprint } from '../fingerprint.js';
import type { RunRecord } from '../run-record.js';
import { mad, MAD_TO_SIGMA, median } from './stats.js';

export const FIGURES = [
  { id: 'failover', title: 'Failover time', unit: 's', floor: 1 },
  { id: 'failback', title: 'Failback time', unit: 's', floor: 1 },
  { id: 'viewerErrors', title: 'Viewer GET errors', unit: 'errors', floor: 2 },
  { id: 'alarmDetection', title: 'Alarm detection time', unit: 's', floor: 30 },
  { id: 'alarmClear', title: 'Alarm clear time', unit: 's', floor: 30 },
] as const;

export type FigureId = (typeof FIGURES)[number]['id'];
export type Figure = (typeof FIGURES)[number];
export type RunOutcome = 'passed' | 'failed' | 'stopped' | 'aborted';

export interface HistoryOptions {
  /** Previous comparable runs a figure is compared with. @default 10 */
  readonly window: number;
  /** Fewest previous comparable runs that make a baseline; with fewer, nothing is flagged. @default 5 */
  readonly minBaseline: number;
  /** Tolerance in estimated standard deviations (1.4826 × MAD). @default 3 */
  readonly madMultiplier: number;
  /** Smallest tolerance as a fraction of the baseline median. @default 0.1 */
  readonly relativeFloor: number;
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = { window: 10, minBaseline: 5, madMultiplier: 3, relativeFloor: 0.1 };

/** One run read for the history, and where it came from. */
export interface HistoryInput {
  readonly source: string;
  readonly record: RunRecord;
}

/** A file that was not used, and why. */
export interface SkippedFile {
  readonly source: string;
  readonly reason: string;
}

export interface HistoryRun {
  readonly runId: string;
  readonly source: string;
  readonly startedAt: string;
  readonly startedAtMs: number;
  readonly target: string;
  readonly fault: string;
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  /** The fingerprint id, or the "no fingerprint" group of the run's target and fault. */
  readonly group: string;
  readonly fingerprint?: RunFingerprint;
  readonly figures: Partial<Record<FigureId, number>>;
  /** Ids of the assertions that failed. */
  readonly failed: readonly string[];
}

export interface Regression {
  readonly runId: string;
  readonly group: string;
  readonly figure: FigureId;
  readonly value: number;
  /** Median of the compared runs' values. */
  readonly baseline: number;
  readonly mad: number;
  readonly tolerance: number;
  /** value − baseline. */
  readonly worseBy: number;
  readonly comparedTo: readonly string[];
}

export interface FailureStreak {
  readonly group: string;
  /** The failed runs, oldest first. */
  readonly runIds: readonly string[];
  /** Assertions that failed in any of them. */
  readonly assertions: readonly string[];
  /** flake: one failure, then a pass; persistent: two or more in a row; unresolved: one, with no later run yet. */
  readonly kind: 'flake' | 'persistent' | 'unresolved';
  /** The pass that ended the streak, if any. */
  readonly passedBy?: string;
}

export interface GroupSummary {
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  readonly fingerprint?: RunFingerprint;
}

/** A figure's median over the newest `window` comparable runs against the `window` before them. */
export interface MedianShift {
  readonly group: string;
  readonly figure: FigureId;
  readonly before: number;
  readonly after: number;
  readonly runsBefore: number;
  readonly runsAfter: number;
}

/** A fingerprint field that differs between the newest run and the run of the same target and fault before it. */
export interface FingerprintChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface HistoryAnalysis {
  readonly options: HistoryOptions;
  /** Oldest first. */
  readonly runs: readonly HistoryRun[];
  readonly skipped: readonly SkippedFile[];
  readonly groups: readonly GroupSummary[];
  readonly regressions: readonly Regression[];
  readonly failures: readonly FailureStreak[];
  readonly counts: { readonly flakes: number; readonly persistent: number; readonly unresolved: number };
  readonly shifts: readonly MedianShift[];
  /** The newest run, its regressions, and how its fingerprint differs from the previous run of its target and fault. */
  readonly newest?: {
    readonly runId: string;
    readonly regressions: readonly Regression[];
    readonly fingerprintChanges: readonly FingerprintChange[];
    readonly previousRunId?: string;
  };
}

/** The outcome a history shows: the verdict for a run that completed, else how it ended. */
export function outcomeOf(r: RunRecord): RunOutcome {
  if (r.status === 'aborted') return 'aborted';
  if (r.status === 'stopped') return 'stopped';
  return r.verdict.outcome === 'passed' ? 'passed' : r.verdict.outcome === 'failed' ? 'failed' : 'aborted';
}

export function groupOf(r: Pick<RunRecord, 'fingerprint' | 'target' | 'settings'>): string {
  return r.fingerprint ? r.fingerprint.id : `no fingerprint (${r.target}, ${r.settings.fault})`;
}

/** The figures of one run; a figure the run did not measure is absent. */
export function figuresOf(r: RunRecord): Partial<Record<FigureId, number>> {
  const out: Partial<Record<FigureId, number>> = {};
  if (r.measurements.failover.seconds !== null) out.failover = r.measurements.failover.seconds;
  if (r.measurements.failback.seconds !== null) out.failback = r.measurements.failback.seconds;
  out.viewerErrors = r.measurements.totals.viewerGets.errors;
  const alarms = alarmTimes(r);
  if (alarms.detection !== undefined) out.alarmDetection = alarms.detection;
  if (alarms.clear !== undefined) out.alarmClear = alarms.clear;
  return out;
}

/**
 * Alarm times of a run. With the alarm phase (run.json's `alarms` block) they are its waits, timed by each
 * alarm's history: detection = the first of the watched alarms to reach ALARM, from the injection; clear =
 * the last of those that fired to be OK again, from the start of recovery (absent while one is not).
 * Older runs only have the target's alarm observations, as AWS dated each state change (`updatedAt`):
 * detection = the earliest change to ALARM after the fault was injected, from the inject phase's start;
 * clear = the latest change to OK after recovery began, from the recover phase's start, when every alarm
 * seen in ALARM since the fault is OK again.
 */
export function alarmTimes(r: RunRecord): { detection?: number; clear?: number } {
  if (r.alarms !== undefined) return alarmPhaseTimes(r.alarms);
  const inject = r.phases.find((p) => p.name === 'inject')?.startedAt;
  const recover = r.phases.find((p) => p.name === 'recover')?.startedAt;
  const alarms = (r.observations ?? []).flatMap((o) => {
    if (o.kind !== 'alarm' || o.updatedAt === undefined) return [];
    const changed = Date.parse(o.updatedAt);
    return Number.isFinite(changed) ? [{ state: o.state, changed }] : [];
  });
  const out: { detection?: number; clear?: number } = {};
  if (inject !== undefined) {
    const fired = alarms.filter((a) => a.state === 'ALARM' && a.changed >= inject).map((a) => a.changed);
    if (fired.length > 0) out.detection = round3((Math.min(...fired) - inject) / 1000);
  }
  if (recover !== undefined && alarms.length > 0 && alarms.every((a) => a.state === 'OK')) {
    const cleared = alarms.filter((a) => a.changed >= recover).map((a) => a.changed);
    if (cleared.length > 0) out.clear = round3((Math.max(...cleared) - recover) / 1000);
  }
  return out;
}

function alarmPhaseTimes(report: NonNullable<RunRecord['alarms']>): { detection?: number; clear?: number } {
  const fired = report.results.filter((a) => a.detect?.seconds != null);
  const out: { detection?: number; clear?: number } = {};
  if (fired.length > 0) out.detection = round3(Math.min(...fired.map((a) => a.detect!.seconds!)));
  const cleared = fired.map((a) => a.clear?.seconds);
  if (fired.length > 0 && cleared.every((x) => x != null)) out.clear = round3(Math.max(...(cleared as number[])));
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function analyseHistory(
  inputs: readonly HistoryInput[],
  skipped: readonly SkippedFile[] = [],
  options: Partial<HistoryOptions> = {},
): HistoryAnalysis {
  const o: HistoryOptions = { ...DEFAULT_HISTORY_OPTIONS, ...options };
  const runs: HistoryRun[] = inputs
    .map(({ source, record: r }) => ({
      runId: r.runId,
      source,
      startedAt: r.startedAt,
      startedAtMs: Date.parse(r.startedAt),
      target: r.target,
      fault: r.settings.fault,
      outcome: outcomeOf(r),
      exitCode: r.exitCode,
      group: groupOf(r),
      ...(r.fingerprint ? { fingerprint: r.fingerprint } : {}),
      figures: figuresOf(r),
      failed: r.verdict.assertions.filter((a) => a.status === 'failed').map((a) => a.id),
    }))
    .sort((a, b) => a.startedAtMs - b.startedAtMs || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));

  const byGroup = new Map<string, HistoryRun[]>();
  for (const run of runs) byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), run]);

  const regressions: Regression[] = [];
  const failures: FailureStreak[] = [];
  const shifts: MedianShift[] = [];
  for (const [group, members] of byGroup) {
    regressions.push(...regressionsOf(group, members, o));
    failures.push(...failuresOf(group, members));
    shifts.push(...shiftsOf(group, members, o));
  }
  regressions.sort((a, b) => indexOf(runs, a.runId) - indexOf(runs, b.runId));
  failures.sort((a, b) => indexOf(runs, a.runIds[0]!) - indexOf(runs, b.runIds[0]!));

  const groups: GroupSummary[] = [...byGroup].map(([id, members]) => ({
    id,
    label: groupLabel(id, members[0]!),
    runs: members.length,
    ...(members[0]!.fingerprint ? { fingerprint: members[members.length - 1]!.fingerprint } : {}),
  }));

  const newest = runs[runs.length - 1];
  return {
    options: o,
    runs,
    skipped,
    groups,
    regressions,
    failures,
    counts: {
      flakes: failures.filter((f) => f.kind === 'flake').length,
      persistent: failures.filter((f) => f.kind === 'persistent').length,
      unresolved: failures.filter((f) => f.kind === 'unresolved').length,
    },
    shifts,
    ...(newest ? { newest: newestOf(newest, runs, regressions) } : {}),
  };
}

function indexOf(runs: readonly HistoryRun[], runId: string): number {
  return runs.findIndex((r) => r.runId === runId);
}

/** A completed run: its figures are whole, so they are compared and can be flagged. */
const completed = (r: HistoryRun) => r.outcome === 'passed' || r.outcome === 'failed';

function regressionsOf(group: string, members: readonly HistoryRun[], o: HistoryOptions): Regression[] {
  const out: Regression[] = [];
  for (const figure of FIGURES) {
    const series = members.filter((r) => completed(r) && r.figures[figure.id] !== undefined);
    for (let i = o.minBaseline; i < series.length; i++) {
      const previous = series.slice(Math.max(0, i - o.window), i);
      if (previous.length < o.minBaseline) continue;
      const values = previous.map((r) => r.figures[figure.id]!);
      const baseline = median(values);
      const spread = mad(values);
      const tolerance = Math.max(figure.floor, o.relativeFloor * Math.abs(baseline), o.madMultiplier * MAD_TO_SIGMA * spread);
      const run = series[i]!;
      const value = run.figures[figure.id]!;
      if (value - baseline > tolerance) {
        out.push({
          runId: run.runId,
          group,
          figure: figure.id,
          value,
          baseline: round3(baseline),
          mad: round3(spread),
          tolerance: round3(tolerance),
          worseBy: round3(value - baseline),
          comparedTo: previous.map((r) => r.runId),
        });
      }
    }
  }
  return out;
}

function failuresOf(group: string, members: readonly HistoryRun[]): FailureStreak[] {
  const out: FailureStreak[] = [];
  let streak: HistoryRun[] = [];
  const close = (passedBy?: HistoryRun) => {
    if (streak.length === 0) return;
    const kind = streak.length > 1 ? 'persistent' : passedBy ? 'flake' : 'unresolved';
    out.push({
      group,
      runIds: streak.map((r) => r.runId),
      assertions: [...new Set(streak.flatMap((r) => r.failed))],
      kind,
      ...(passedBy ? { passedBy: passedBy.runId } : {}),
    });
    streak = [];
  };
  for (const run of members) {
    if (run.outcome === 'aborted') continue;
    if (run.outcome === 'passed') close(run);
    else streak.push(run);
  }
  close();
  return out;
}

function shiftsOf(group: string, members: readonly HistoryRun[], o: HistoryOptions): MedianShift[] {
  const out: MedianShift[] = [];
  for (const figure of FIGURES) {
    const values = members.filter((r) => completed(r) && r.figures[figure.id] !== undefined).map((r) => r.figures[figure.id]!);
    const after = values.slice(-o.window);
    const before = values.slice(-2 * o.window, -o.window);
    if (before.length < o.minBaseline || after.length < o.minBaseline) continue;
    out.push({ group, figure: figure.id, before: round3(median(before)), after: round3(median(after)), runsBefore: before.length, runsAfter: after.length });
  }
  return out;
}

function newestOf(newest: HistoryRun, runs: readonly HistoryRun[], regressions: readonly Regression[]): NonNullable<HistoryAnalysis['newest']> {
  const previous = [...runs.slice(0, -1)].reverse().find((r) => r.target === newest.target && r.fault === newest.fault);
  return {
    runId: newest.runId,
    regressions: regressions.filter((g) => g.runId === newest.runId),
    fingerprintChanges: previous ? fingerprintChanges(previous.fingerprint, newest.fingerprint) : [],
    ...(previous ? { previousRunId: previous.runId } : {}),
  };
}

/** The leaf fields that differ between two fingerprints (the id left out), e.g. `thresholds.failoverSeconds`. */
export function fingerprintChanges(before: RunFingerprint | undefined, after: RunFingerprint | undefined): FingerprintChange[] {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => k !== 'id').sort();
  return keys.filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))).map((k) => ({ field: k, before: a.get(k), after: b.get(k) }));
}

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

function groupLabel(id: string, run: HistoryRun): string {
  const f = run.fingerprint;
  if (!f) return id;
  return [f.target, f.backend, f.fault, f.projectVersion && `v${f.projectVersion}`, id].filter(Boolean).join(' · ');
}

export function figure(id: FigureId): Figure {
  return FIGURES.find((f) => f.id === id)!;
}

/**
 * run.json: everything a drill recorded and concluded. The report renderers read only
 * this, so `dr-drill report` can re-render every report from a saved run.
 */
import { EXIT, inputError } from '../../core/errors.js';
import { failoverThreshold, type ExpectedFailover, type FailoverThreshold } from '../analysis/expected-failover.js';
import { measure, type Measurements } from '../analysis/measure.js';
import type { PhaseRecord, ProbeRecord } from '../analysis/timeline.js';
import { judge, negativeControl, type Thresholds, type Verdict } from '../analysis/verdict.js';
import { measureWrites, withWriteAssertions, type WriteReport } from '../analysis/writes.js';
import { withAlarmAssertions, type AlarmsReport } from '../analysis/alarms.js';
import type { RunFingerprint } from './fingerprint.js';
import { validateRunRecord } from './run-schema.js';
import type { CleanupStepResult } from '../drill/cleanup.js';
import type { DrillSettings } from '../drill/settings.js';
import type { AbortRecord } from '../drill/state.js';
import {
  FAULT_SPELLINGS,
  parseFault,
  type Endpoints,
  type Fault,
  type Observation,
  type OriginEndpoint,
  type Role,
} from '../targets/target.js';

export const RUN_RECORD_VERSION = 1;

/** What one cleanup step did. */
export type CleanupRecord = CleanupStepResult;

/** The drill's settings as run.json keeps them: the fault spelled out, the thresholds the verdict used. */
export interface DrillSettingsRecord extends Omit<DrillSettings, 'fault' | 'thresholds' | 'writes' | 'alarms'> {
  /** The thresholds the verdict judged with (the failover threshold given or derived). */
  readonly thresholds: Thresholds;
  /** The fault injected into the primary, e.g. "pause". */
  readonly fault: string;
  /** The fault's expected failover time, from the synthesized origin settings. Absent in older records. */
  readonly expectedFailover?: ExpectedFailover;
  /** Where the failover threshold came from: the user, or the expected time plus the margin. Absent in older records. */
  readonly failoverThreshold?: FailoverThreshold;
}

/** Endpoints without the headers direct probes send (they may carry the origin-verify secret). */
export type PublicEndpoints = Omit<Endpoints, 'origins'> & {
  readonly origins: Readonly<Record<Role, Omit<OriginEndpoint, 'headers'>>>;
};

export interface RunRecord {
  readonly version: typeof RUN_RECORD_VERSION;
  readonly runId: string;
  readonly target: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly endedAt: string;
  /**
   * completed: every phase ran; stopped: an assertion gate (steady state) ended the drill
   * early; aborted: a signal or an infrastructure error ended it.
   */
  readonly status: 'completed' | 'stopped' | 'aborted';
  readonly abort?: AbortRecord;
  /** The process exit code this run ends with. */
  readonly exitCode: number;
  readonly settings: DrillSettingsRecord;
  /** The validated configuration (secrets redacted) and where the synthesized stack is. */
  readonly config?: unknown;
  readonly stack?: { readonly tfJsonPath: string; readonly synthesized: boolean };
  readonly endpoints?: PublicEndpoints;
  readonly phases: readonly PhaseRecord[];
  /** Every probe, in send order. */
  readonly probes: readonly ProbeRecord[];
  readonly probeStats?: { readonly skippedTicks: number };
  readonly measurements: Measurements;
  /** With the write router and write probes: the switches, the write measurements and their thresholds. */
  readonly writes?: WriteReport;
  /** With the alarm phase (--alarms assert or observe): the plan, each alarm's waits timed by its history, the guards. */
  readonly alarms?: AlarmsReport;
  readonly verdict: Verdict;
  readonly cleanup: readonly CleanupRecord[];
  readonly teardown: {
    readonly attempted: boolean;
    readonly ok: boolean;
    readonly detail: string;
  };
  /**
   * Whether the primary was left serving: true once clear() succeeded, false while a fault of this
   * run may still be in effect, null when the run never faulted it (nothing was paused).
   */
  readonly primaryResumed: boolean | null;
  /** What the target saw: alarm states, operation ids, timings of its operations. Absent in older records. */
  readonly observations?: readonly Observation[];
  /** The project version that ran the drill (package.json). Absent in older records. */
  readonly projectVersion?: string;
  /**
   * What shapes this run's figures, and an id over it: `dr-drill history` compares runs of the same
   * id only. Absent in older records, which history groups as "no fingerprint".
   */
  readonly fingerprint?: RunFingerprint;
}

/**
 * The exit code a run ends with: usage (2) for a usage error that aborted it; infrastructure (3)
 * for any other abort, a failed teardown or a primary that may still be faulted (something may
 * be left broken, whatever the verdict); else the verdict's (0 or 1).
 */
export function exitCodeFor(run: Pick<RunRecord, 'abort' | 'teardown' | 'verdict' | 'primaryResumed'>): number {
  if (run.abort) return run.abort.errorKind === 'usage' ? EXIT.usage : EXIT.infrastructure;
  if (!run.teardown.ok || run.primaryResumed === false) return EXIT.infrastructure;
  return run.verdict.exitCode;
}

/** Recomputes measurements and verdict from a saved run, optionally with other thresholds. */
export function rejudge(run: RunRecord, thresholds: Partial<Thresholds> = {}): RunRecord {
  const merged: Thresholds = { ...run.settings.thresholds, ...thresholds };
  const measurements = measure({ probes: run.probes, phases: run.phases });
  const verdict = judge({
    measurements,
    thresholds: merged,
    phases: run.phases,
    ...(run.abort ? { aborted: { phase: run.abort.phase, reason: run.abort.reason } } : {}),
    ...(run.settings.expect === 'no-failover'
      ? { noFailover: negativeControl(savedFault(run.settings.fault), run.settings.fault, { probes: run.probes, phases: run.phases }) }
      : {}),
  });
  const given = thresholds.failoverSeconds;
  const threshold =
    given !== undefined && run.settings.expectedFailover ? failoverThreshold(given, run.settings.expectedFailover) : undefined;
  // The write section is re-measured from the saved switches and judged with the saved thresholds.
  const writes = run.writes
    ? { ...run.writes, measurements: measureWrites({ probes: run.probes, phases: run.phases }, run.writes.measurements.switches) }
    : undefined;
  const next = {
    ...run,
    settings: { ...run.settings, thresholds: merged, ...(threshold ? { failoverThreshold: threshold } : {}) },
    measurements,
    ...(writes ? { writes } : {}),
    verdict: run.alarms
      ? withAlarmAssertions(writes ? withWriteAssertions(verdict, writes) : verdict, run.alarms)
      : writes
        ? withWriteAssertions(verdict, writes)
        : verdict,
  };
  return { ...next, exitCode: exitCodeFor(next) };
}

/** A saved run's fault; a spelling the drill does not know is an InputError naming the field. */
function savedFault(spelled: string): Fault {
  try {
    return parseFault(spelled);
  } catch {
    throw inputError('settings.fault (from run.json)', spelled, FAULT_SPELLINGS);
  }
}

/**
 * Validates parsed JSON as a whole run record (`run-schema.ts`); a bad field is an `InputError`
 * (exit 2) naming its path, e.g. `probes[0] (from run.json) = null: allowed: a probe record`.
 */
export function parseRunRecord(json: unknown, source: string): RunRecord {
  return validateRunRecord(json, source) as unknown as RunRecord;
}

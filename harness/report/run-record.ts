/**
 * run.json: everything a drill recorded and concluded. The report renderers read only
 * this, so `dr-drill report` can re-render every report from a saved run.
 */
import { measure, type Measurements } from '../analysis/measure.js';
import type { PhaseName, PhaseRecord, ProbeRecord } from '../analysis/timeline.js';
import { judge, type Thresholds, type Verdict } from '../analysis/verdict.js';
import { measureWrites, withWriteAssertions, type WriteReport } from '../analysis/writes.js';
import { validateRunRecord } from './run-schema.js';

export const RUN_RECORD_VERSION = 1;

export interface CleanupRecord {
  readonly name: string;
  readonly status: 'ran' | 'failed' | 'skipped';
  readonly detail: string;
  readonly durationMs: number;
}

export interface DrillSettingsRecord {
  readonly thresholds: Thresholds;
  /** The fault injected into the primary, e.g. "pause". */
  readonly fault: string;
  readonly probe: {
    readonly rateHz: number;
    readonly directRateHz: number;
    /** 0 when the write probe is off. */
    readonly writeRateHz: number;
    readonly timeoutMs: number;
    readonly path: string;
  };
  readonly steadyTimeoutSeconds: number;
  readonly observeTimeoutSeconds: number;
  readonly holdSeconds: number;
  readonly teardownTimeoutSeconds: number;
}

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
  readonly abort?: {
    readonly phase: PhaseName;
    /** signal: SIGINT/SIGTERM; error: a phase threw. */
    readonly cause: 'signal' | 'error';
    readonly reason: string;
    /** The error's kind, when it had one (usage, external, internal). */
    readonly errorKind?: string;
  };
  /** The process exit code this run ends with. */
  readonly exitCode: number;
  readonly settings: DrillSettingsRecord;
  /** The validated configuration (secrets redacted) and where the synthesized stack is. */
  readonly config?: unknown;
  readonly stack?: { readonly tfJsonPath: string; readonly synthesized: boolean };
  readonly endpoints?: {
    readonly edgeUrl: string;
    readonly origins: Readonly<Record<string, { readonly role: string; readonly region: string; readonly url: string }>>;
    readonly writePath?: string;
    readonly servedByHeader: string;
    readonly details: Readonly<Record<string, string>>;
  };
  readonly phases: readonly PhaseRecord[];
  /** Every probe, in send order. */
  readonly probes: readonly ProbeRecord[];
  readonly probeStats?: { readonly skippedTicks: number };
  readonly measurements: Measurements;
  /** With the write router and write probes: the switches, the write measurements and their thresholds. */
  readonly writes?: WriteReport;
  readonly verdict: Verdict;
  readonly cleanup: readonly CleanupRecord[];
  readonly teardown: {
    readonly attempted: boolean;
    readonly ok: boolean;
    readonly detail: string;
  };
  /** Whether the primary was left serving: true, false, or null when no fault was injected. */
  readonly primaryResumed: boolean | null;
}

/**
 * The exit code a run ends with: 2 for a usage error that aborted it, 3 for any other
 * abort or a failed teardown (something may be left running), else the verdict's (0 or 1).
 */
export function exitCodeFor(run: Pick<RunRecord, 'abort' | 'teardown' | 'verdict' | 'primaryResumed'>): number {
  if (run.abort) return run.abort.errorKind === 'usage' ? 2 : 3;
  if (!run.teardown.ok || run.primaryResumed === false) return 3;
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
  });
  // The write section is re-measured from the saved switches and judged with the saved thresholds.
  const writes = run.writes
    ? { ...run.writes, measurements: measureWrites({ probes: run.probes, phases: run.phases }, run.writes.measurements.switches) }
    : undefined;
  const next = {
    ...run,
    settings: { ...run.settings, thresholds: merged },
    measurements,
    ...(writes ? { writes } : {}),
    verdict: writes ? withWriteAssertions(verdict, writes) : verdict,
  };
  return { ...next, exitCode: exitCodeFor(next) };
}

/**
 * Validates parsed JSON as a whole run record (`run-schema.ts`); a bad field is an `InputError`
 * (exit 2) naming its path, e.g. `probes[0] (from run.json) = null: allowed: a probe record`.
 */
export function parseRunRecord(json: unknown, source: string): RunRecord {
  return validateRunRecord(json, source) as unknown as RunRecord;
}

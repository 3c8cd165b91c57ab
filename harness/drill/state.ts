/**
 * The one state a drill runs over. Phases write it, the cleanup steps' conditions read it, and
 * the run record is computed from it (harness/report/to-run-record.ts). Plain data: nothing
 * here does I/O, and nothing about the run is kept anywhere else.
 */
import { expectedFailover, failoverThreshold, type ExpectedFailover, type FailoverThreshold } from '../analysis/expected-failover.js';
import type { PhaseName, PhaseRecord, ProbeRecord } from '../analysis/timeline.js';
import type { Thresholds } from '../analysis/verdict.js';
import type { AlarmResult, GuardStop } from '../analysis/alarms.js';
import type { WriteSwitchRecord } from '../analysis/writes.js';
import type { Endpoints, Observation, Target, TeardownResult } from '../targets/target.js';
import type { CleanupStepResult } from './cleanup.js';
import type { DrillSettings } from './settings.js';

/**
 * Where the primary stands:
 * - untouched: no fault was requested;
 * - fault-requested: inject() was called and did not return: the fault may be in effect;
 * - faulted: the fault is in effect;
 * - restored: clear() returned: the primary serves again;
 * - nothing-to-clear: clear() found no fault of this run to undo (e.g. a pause that never happened).
 */
export type PrimaryState = 'untouched' | 'fault-requested' | 'faulted' | 'restored' | 'nothing-to-clear';

export interface AbortRecord {
  readonly phase: PhaseName;
  /** signal: SIGINT/SIGTERM; error: a phase threw. */
  readonly cause: 'signal' | 'error';
  readonly reason: string;
  /** The error's kind, when it had one (usage, external, internal). */
  readonly errorKind?: string;
}

export interface DrillState {
  readonly runId: string;
  readonly target: Target['name'];
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** The phase running now (probes are stamped with it). */
  current: PhaseName;
  /** Every phase that ran, in order, with how it ended. */
  readonly phases: PhaseRecord[];
  endpoints?: Endpoints;
  primary: PrimaryState;
  /** The assertion gate that ended the drill early (steady state not reached). */
  stoppedBy?: PhaseName;
  abort?: AbortRecord;
  /** Every probe, in send order, once probing stopped. */
  probes: readonly ProbeRecord[];
  /** Probe ticks skipped because too many probes were in flight. */
  skippedTicks: number;
  /** The fault's expected failover time; refined once the endpoints carry the origin settings. */
  expectedFailover: ExpectedFailover;
  /** The failover threshold the verdict uses: the user's, or the expected time plus the margin. */
  failoverThreshold: FailoverThreshold;
  /** What each cleanup step did, once teardown ran. */
  cleanup: readonly CleanupStepResult[];
  /** What target.teardown() returned, if it ran and returned. */
  teardown?: TeardownResult;
  /** What the target saw (alarm states, operations), read after teardown. */
  observations: readonly Observation[];
  /** Writes follow the write router this run: write probes on, and a stack and target that route writes. */
  routesWrites: boolean;
  /** The write switches made, in order (to the secondary during the outage, back after recovery). */
  readonly writeSwitches: WriteSwitchRecord[];
  /** With settings.alarms: the asserted alarms as found before the fault and their waits, the guards, and a guard that stopped the run. */
  alarms?: {
    readonly results: readonly AlarmResult[];
    readonly guards: readonly { readonly name: string; readonly region: string }[];
    readonly stoppedBy?: GuardStop;
  };
}

export function createDrillState(props: {
  readonly runId: string;
  readonly target: Target['name'];
  readonly settings: DrillSettings;
  readonly startedAt: number;
}): DrillState {
  const expected = expectedFailover(props.settings.fault, props.settings.failoverSettings);
  return {
    runId: props.runId,
    target: props.target,
    startedAt: props.startedAt,
    current: 'preflight',
    phases: [],
    primary: 'untouched',
    probes: [],
    skippedTicks: 0,
    expectedFailover: expected,
    failoverThreshold: failoverThreshold(props.settings.thresholds.failoverSeconds, expected),
    cleanup: [],
    observations: [],
    routesWrites: false,
    writeSwitches: [],
  };
}

/**
 * Recomputes the expected failover time (and a derived threshold) with the primary's timeouts the
 * endpoints carry (the deployed origin), keeping the rest of the stack's failover settings.
 */
export function refineExpectedFailover(state: DrillState, settings: DrillSettings, endpoints: Endpoints): void {
  const primary = endpoints.originTimeouts?.primary;
  if (!primary) return;
  state.expectedFailover = expectedFailover(settings.fault, { ...settings.failoverSettings, primary });
  state.failoverThreshold = failoverThreshold(settings.thresholds.failoverSeconds, state.expectedFailover);
}

/** The thresholds the verdict judges with. */
export function effectiveThresholds(state: DrillState, settings: DrillSettings): Thresholds {
  return { ...settings.thresholds, failoverSeconds: state.failoverThreshold.seconds };
}

/** The primary may carry a fault of this run: the cleanup must try to clear it. */
export function primaryNeedsClearing(state: DrillState): boolean {
  return state.primary === 'fault-requested' || state.primary === 'faulted';
}

/**
 * Whether the primary was left serving: true once clear() succeeded, false while a fault of
 * this run may still be in effect, null when the run never faulted it.
 */
export function primaryResumed(state: DrillState): boolean | null {
  switch (state.primary) {
    case 'untouched':
    case 'nothing-to-clear':
      return null;
    case 'restored':
      return true;
    case 'fault-requested':
    case 'faulted':
      return false;
  }
}

/**
 * The drill: preflight → provision → steady state → inject → observe failover → recover →
 * observe failback → teardown → report, as phase objects (./phases) over one DrillState
 * (./state.ts). It depends only on the Target interface.
 *
 * Resuming the primary and tearing the world down are registered before the first side
 * effect, and their conditions read the state. A signal (the caller aborts `signal`) or an
 * error in any phase stops probing, resumes the primary, attempts teardown, and writes a
 * report marked aborted.
 */
import { EdgeFailoverError } from '../../core/errors.js';
import type { RunRecord } from '../report/run-record.js';
import type { Endpoints, Target } from '../targets/target.js';
import { CleanupStack, messageOf } from './cleanup.js';
import { inject } from './phases/inject.js';
import { observeFailback, observeFailover } from './phases/observe.js';
import { GuardAlarmStop } from './phases/alarms.js';
import { abortReason, runPhase, type DrillContext, type DrillPhase } from './phases/phase.js';
import { preflight } from './phases/preflight.js';
import { provision } from './phases/provision.js';
import { recover } from './phases/recover.js';
import { runReport } from './phases/report.js';
import { steady } from './phases/steady.js';
import { registerCleanup, runTeardown } from './phases/teardown.js';
import type { Progress } from './progress.js';
import type { DrillSettings } from './settings.js';
import { createDrillState, type AbortRecord, type DrillState } from './state.js';

export { DEFAULT_DRILL_SETTINGS, type DrillSettings, type DrillThresholds, type ProbeSettings } from './settings.js';

/** The phases that run before teardown, in order; each may stop the drill (an assertion gate). */
export const DRILL_PHASES: readonly DrillPhase[] = [preflight, provision, steady, inject, observeFailover, recover, observeFailback];

export interface DrillProps {
  readonly target: Target;
  readonly runId: string;
  readonly settings: DrillSettings;
  readonly progress: Progress;
  /** Aborting it (SIGINT, SIGTERM) ends the run: primary resumed, teardown, aborted report. */
  readonly signal: AbortSignal;
  /** run.json fields the drill itself does not know. */
  readonly context?: Pick<RunRecord, 'config' | 'stack' | 'projectVersion'>;
  /** The report phase: writes the reports for the finished record. */
  readonly writeReports: (run: RunRecord) => Promise<void>;
  /** Called once the endpoints are known (e.g. to print them). */
  readonly onEndpoints?: (endpoints: Endpoints) => void;
}

/** Raised inside the drill when the run is stopped by a signal. */
export class DrillAborted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DrillAborted';
  }
}

export async function runDrill(props: DrillProps): Promise<RunRecord> {
  const state = createDrillState({ runId: props.runId, target: props.target.name, settings: props.settings, startedAt: Date.now() });
  // A guard alarm ends the run through the same signal as SIGINT does, with its own reason.
  const guardStop = new AbortController();
  const ctx: DrillContext = {
    target: props.target,
    settings: props.settings,
    state,
    progress: props.progress,
    signal: AbortSignal.any([props.signal, guardStop.signal]),
    cleanup: new CleanupStack(),
    runtime: { stopRun: (why) => guardStop.abort(why) },
    onEndpoints: props.onEndpoints,
  };
  await runPhases(ctx, DRILL_PHASES);
  await runTeardown(ctx);
  return runReport(ctx, props.context ?? {}, props.writeReports);
}

/**
 * Runs the phases in order until one stops the drill or throws. The cleanup is registered
 * once, right before the first phase that changes the world (provision), so it exists before
 * the first side effect. Never throws: an error or a signal becomes state.abort, and probing
 * stops either way.
 */
export async function runPhases(ctx: DrillContext, phases: readonly DrillPhase[]): Promise<void> {
  const { state, runtime } = ctx;
  try {
    let registered = false;
    for (const phase of phases) {
      if (phase.changesWorld && !registered) {
        registerCleanup(ctx);
        registered = true;
      }
      if ((await runPhase(ctx, phase)) === 'stop') {
        state.stoppedBy = phase.name;
        break;
      }
    }
    await runtime.guard?.stop();
    await runtime.prober?.stop();
  } catch (err) {
    await runtime.guard?.stop();
    if (ctx.signal.reason instanceof GuardAlarmStop && state.alarms?.stoppedBy) {
      // Stopped, not aborted: the phase the guard cut short failed, and the cleanup resumes the primary.
      state.stoppedBy = state.current;
      const last = state.phases.length - 1;
      if (state.phases[last]?.status === 'aborted') state.phases[last] = { ...state.phases[last]!, status: 'failed' };
    } else {
      state.abort = abortRecord(state, ctx.signal, err);
    }
    await runtime.prober?.stop({ cancel: true });
  }
  if (runtime.prober) {
    state.probes = [...runtime.prober.probes].sort((a, b) => a.seq - b.seq);
    state.skippedTicks = runtime.prober.skippedTicks;
  }
}

function abortRecord(state: DrillState, signal: AbortSignal, err: unknown): AbortRecord {
  if (signal.aborted) return { phase: state.current, cause: 'signal', reason: abortReason(signal) };
  const kind = errorKindOf(err);
  return { phase: state.current, cause: 'error', reason: messageOf(err), ...(kind ? { errorKind: kind } : {}) };
}

/** The error's kind: the project's error model, or a `kind` a target's own error carries. */
function errorKindOf(err: unknown): string | undefined {
  if (err instanceof EdgeFailoverError) return err.kind;
  const kind = (err as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

/**
 * A phase of the drill: a named stage with one piece of work over the drill's state. The
 * orchestrator runs them in order; each records how it ended in state.phases.
 */
import type { PhaseName } from '../../analysis/timeline.js';
import { now, type Prober } from '../../probe/prober.js';
import type { Endpoints, Target } from '../../targets/target.js';
import { messageOf, type CleanupStack } from '../cleanup.js';
import type { PhaseOutcome, Progress } from '../progress.js';
import type { DrillSettings } from '../settings.js';
import type { DrillState } from '../state.js';
import type { LiveView } from '../watch.js';

/** What a phase tells the orchestrator: go on, or stop here (an assertion gate failed). */
export type Next = 'next' | 'stop';

/** Live objects a run needs besides its data: the probe loop and the view over it. */
export interface DrillRuntime {
  prober?: Prober;
  live?: LiveView;
  /** The guard alarms' watch while the primary is faulted (./alarms.ts). */
  guard?: { stop(): Promise<void> };
  /** Ends the run through its signal with this reason (a guard alarm fired). */
  stopRun?: (why: Error) => void;
}

export interface DrillContext {
  readonly target: Target;
  readonly settings: DrillSettings;
  readonly state: DrillState;
  readonly progress: Progress;
  /** The run's signal (SIGINT, SIGTERM). */
  readonly signal: AbortSignal;
  readonly cleanup: CleanupStack;
  readonly runtime: DrillRuntime;
  readonly onEndpoints?: (endpoints: Endpoints) => void;
}

export interface DrillPhase {
  readonly name: PhaseName;
  /** The phase has side effects (brings the world up, injects a fault): the cleanup must exist before it runs. */
  readonly changesWorld?: boolean;
  run(ctx: DrillContext, update: (message: string) => void): Promise<PhaseOutcome<Next>>;
}

/** Runs a phase under the run's signal and records it; a phase that throws is recorded as aborted. */
export async function runPhase(ctx: DrillContext, phase: DrillPhase): Promise<Next> {
  const { state, signal } = ctx;
  state.current = phase.name;
  const t0 = now();
  try {
    signal.throwIfAborted();
    return await recordPhase(ctx, phase.name, (update) => phase.run(ctx, update));
  } catch (err) {
    state.phases.push({
      name: phase.name,
      startedAt: t0,
      endedAt: now(),
      status: 'aborted',
      detail: signal.aborted ? abortReason(signal) : messageOf(err),
    });
    throw err;
  }
}

/** Runs work as a progress step and records how it ended; teardown uses it directly, since an aborted signal must not skip it. */
export async function recordPhase<T>(
  ctx: Pick<DrillContext, 'state' | 'progress'>,
  name: PhaseName,
  work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>,
): Promise<T> {
  const t0 = now();
  const out = await ctx.progress.phase(name, work);
  ctx.state.phases.push({
    name,
    startedAt: t0,
    endedAt: now(),
    status: out.failed ? 'failed' : 'passed',
    ...(out.summary ? { detail: out.summary } : {}),
  });
  return out.value;
}

/** When the named phase started (epoch ms); the phase must have run. */
export function startOf(ctx: DrillContext, name: PhaseName): number {
  return phaseOf(ctx, name).startedAt;
}

/** When the named phase ended (epoch ms): for inject and recover, the moment the change was in effect. */
export function endOf(ctx: DrillContext, name: PhaseName): number {
  return phaseOf(ctx, name).endedAt;
}

function phaseOf(ctx: DrillContext, name: PhaseName) {
  const phase = ctx.state.phases.find((p) => p.name === name);
  if (!phase) throw new Error(`phase ${name} has not run`);
  return phase;
}

export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

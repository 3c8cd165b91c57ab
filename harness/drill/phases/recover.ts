/** Recover: clears the fault; the primary counts as resumed only once clear() returned. */
import { now } from '../../probe/prober.js';
import type { Target } from '../../targets/target.js';
import type { DrillState } from '../state.js';
import { secs, type DrillPhase } from './phase.js';

/**
 * Clears the primary's fault and records the result in the state, only after clear() returned:
 * a clear that throws leaves the primary faulted (and the run's exit code 3).
 */
export async function clearPrimary(target: Target, state: DrillState, signal: AbortSignal): Promise<string> {
  const outcome = await target.clear('primary', signal);
  if (outcome && !outcome.restored) {
    state.primary = 'nothing-to-clear';
    return outcome.detail ?? 'the primary had no fault of this run to clear';
  }
  state.primary = 'restored';
  return outcome?.detail ?? 'primary restored';
}

export const recover: DrillPhase = {
  name: 'recover',
  async run({ target, state, signal, runtime }) {
    // The fault ends here: the guard alarms watch only while the primary is faulted.
    await runtime.guard?.stop();
    const t0 = now();
    const detail = await clearPrimary(target, state, signal);
    return { value: 'next', summary: `${detail} (${secs(now() - t0)})` };
  },
};

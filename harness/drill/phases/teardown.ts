/**
 * Teardown: the undo steps, registered before the first side effect (terratest's deferred
 * stages) and run last-in first-out on every path, each under the teardown bound and each
 * even when an earlier one failed. Their conditions and results live in the drill's state.
 */
import { primaryNeedsClearing } from '../state.js';
import type { DrillContext } from './phase.js';
import { recordPhase } from './phase.js';
import { clearPrimary } from './recover.js';

export const CLEANUP_STEPS = { teardown: 'teardown', resume: 'resume the primary' } as const;

/** Registers tearing the world down, then resuming the primary (so the resume runs first). */
export function registerCleanup(ctx: DrillContext): void {
  const { cleanup, target, state } = ctx;
  cleanup.push(CLEANUP_STEPS.teardown, async (s) => {
    const result = await target.teardown(s);
    state.teardown = result;
    if (!result.ok) throw new Error(result.detail);
    return result.detail;
  });
  cleanup.push(CLEANUP_STEPS.resume, (s) => clearPrimary(target, state, s), { when: () => primaryNeedsClearing(state) });
}

/** Runs every cleanup step with its own bound: the run's signal may be aborted already. */
export async function runTeardown(ctx: DrillContext): Promise<void> {
  const { state, settings } = ctx;
  const signal = AbortSignal.timeout(settings.teardownTimeoutSeconds * 1000);
  state.cleanup = await recordPhase(ctx, 'teardown', async (update) => {
    const results = await ctx.cleanup.run(signal, (name) => update(name));
    const failed = results.filter((r) => r.status === 'failed');
    const ran = results.filter((r) => r.status === 'ran');
    const said = (name: string, detail: string) =>
      name === CLEANUP_STEPS.teardown ? 'world torn down' : state.primary === 'restored' ? 'primary resumed' : detail;
    return {
      value: results,
      failed: failed.length > 0,
      summary:
        failed.length > 0
          ? failed.map((r) => `${r.name} failed: ${r.detail}`).join('; ')
          : ran.length > 0
            ? ran.map((r) => said(r.name, r.detail)).join(', ')
            : 'nothing to undo',
    };
  });
}

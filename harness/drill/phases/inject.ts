/** Inject: puts the fault into the primary. From the call on, the cleanup owes a clear. */
import { now } from '../../probe/prober.js';
import { formatFault } from '../../targets/target.js';
import { checkAlarmsBeforeFault, startGuard } from './alarms.js';
import { secs, type DrillPhase } from './phase.js';

export const inject: DrillPhase = {
  name: 'inject',
  changesWorld: true,
  async run(ctx) {
    const { target, settings, state, signal, runtime } = ctx;
    const alarms = await checkAlarmsBeforeFault(ctx);
    const t0 = now();
    // Before the call: if it fails half-way, the fault may be in effect and the cleanup must clear it.
    state.primary = 'fault-requested';
    await target.inject('primary', settings.fault, signal);
    state.primary = 'faulted';
    runtime.guard = startGuard(ctx, (why) => runtime.stopRun?.(why));
    return { value: 'next', summary: `${formatFault(settings.fault)} in effect (${secs(now() - t0)})${alarms ? `; ${alarms}` : ''}` };
  },
};

/**
 * Observe failover and failback: probe until `steadyProbes` consecutive edge GETs come from the
 * expected origin, then hold so the new state is seen for a while. Not seeing the switch fails
 * the phase (and its assertion) without ending the drill: the primary must still be recovered.
 */
import type { Role } from '../../analysis/timeline.js';
import { now } from '../../probe/prober.js';
import { bounded, hold } from '../wait.js';
import { secs, startOf, type DrillPhase } from './phase.js';
import { startSwitchToSecondary, switchBack } from './writes.js';

function observe(name: 'failover' | 'failback', role: Role, after: 'inject' | 'recover'): DrillPhase {
  const since = after === 'inject' ? 'after injection' : 'after recovery began';
  return {
    name,
    async run(ctx, update) {
      const { settings, signal, runtime } = ctx;
      const from = startOf(ctx, after);
      const n = settings.thresholds.steadyProbes;
      // With the write router: writes switch to the secondary while the failover is observed,
      // and back before the failback is.
      const toSecondary = name === 'failover' ? startSwitchToSecondary(ctx) : undefined;
      if (name === 'failback') await switchBack(ctx);
      const result = await bounded(signal, (s) =>
        runtime.live!.consecutive(role, n, {
          since: from,
          timeoutMs: settings.observeTimeoutSeconds * 1000,
          signal: s,
          onTally: (t) => update(`${t.run}/${n} consecutive from the ${role} (${t.errors} errors)`),
        }),
      );
      const seenAfter = now() - from;
      if (result.ok) await hold(from, settings.holdSeconds, signal);
      // The phase lasts until the write switch was seen too, but its summary times the GETs alone.
      const writes = toSecondary ? await toSecondary : undefined;
      if (!result.ok) return { value: 'next', failed: true, summary: result.reason };
      const switched = writes ? `; writes switched ${secs(writes.requestedAt - from)} ${since}` : '';
      return { value: 'next', summary: `${n} consecutive edge GETs from the ${role} ${secs(seenAfter)} ${since}${switched}` };
    },
  };
}

export const observeFailover = observe('failover', 'secondary', 'inject');
export const observeFailback = observe('failback', 'primary', 'recover');

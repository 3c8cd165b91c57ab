/**
 * Observe failover and failback: probe until `steadyProbes` consecutive edge GETs come from the
 * expected origin, then hold so the new state is seen for a while. Not seeing the switch fails
 * the phase (and its assertion) without ending the drill: the primary must still be recovered.
 */
import type { Role } from '../../analysis/timeline.js';
import { now } from '../../probe/prober.js';
import { bounded, hold } from '../wait.js';
import { secs, startOf, type DrillPhase } from './phase.js';

function observe(name: 'failover' | 'failback', role: Role, after: 'inject' | 'recover'): DrillPhase {
  const since = after === 'inject' ? 'after injection' : 'after recovery began';
  return {
    name,
    async run(ctx, update) {
      const { settings, signal, runtime } = ctx;
      const from = startOf(ctx, after);
      const n = settings.thresholds.steadyProbes;
      const result = await bounded(signal, (s) =>
        runtime.live!.consecutive(role, n, {
          since: from,
          timeoutMs: settings.observeTimeoutSeconds * 1000,
          signal: s,
          onTally: (t) => update(`${t.run}/${n} consecutive from the ${role} (${t.errors} errors)`),
        }),
      );
      if (!result.ok) return { value: 'next', failed: true, summary: result.reason };
      await hold(from, settings.holdSeconds, signal);
      return { value: 'next', summary: `${n} consecutive edge GETs from the ${role} ${secs(now() - from)} ${since}` };
    },
  };
}

export const observeFailover = observe('failover', 'secondary', 'inject');
export const observeFailback = observe('failback', 'primary', 'recover');

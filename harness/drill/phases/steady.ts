/**
 * Steady state: probing starts; both origins must answer directly and the primary must serve
 * `steadyProbes` consecutive edge GETs. If it never does, the drill stops here (a failure, never a pass).
 */
import { now } from '../../probe/prober.js';
import { bounded } from '../wait.js';
import { secs, type DrillPhase } from './phase.js';

export const steady: DrillPhase = {
  name: 'steady',
  async run({ settings, signal, runtime }, update) {
    const prober = runtime.prober!;
    const live = runtime.live!;
    const n = settings.thresholds.steadyProbes;
    const since = now();
    prober.start();
    const timeoutMs = settings.steadyTimeoutSeconds * 1000;
    const result = await bounded(signal, async (s) => {
      await Promise.all([
        live.directAnswer('primary', { since, timeoutMs, signal: s }),
        live.directAnswer('secondary', { since, timeoutMs, signal: s }),
        live.consecutive('primary', n, {
          since,
          timeoutMs,
          signal: s,
          onTally: (t) =>
            update(`${t.run}/${n} consecutive from the primary (${t.byRole.secondary} from the secondary, ${t.errors} errors)`),
        }),
      ]);
    });
    return result.ok
      ? { value: 'next', summary: `both origins answer; ${n} consecutive edge GETs from the primary (${secs(now() - since)})` }
      : { value: 'stop', failed: true, summary: result.reason };
  },
};

/**
 * Observe failover and failback: probe until `steadyProbes` consecutive edge GETs come from the
 * expected origin, then hold so the new state is seen for a while. Not seeing the switch fails
 * the phase (and its assertion) without ending the drill: the primary must still be recovered.
 */
import type { Role } from '../../analysis/timeline.js';
import { now } from '../../probe/prober.js';
import { bounded, hold } from '../wait.js';
import { endOf, secs, startOf, type DrillContext, type DrillPhase } from './phase.js';
import { awaitAlarms } from './alarms.js';
import { startSwitchToSecondary, switchBack } from './writes.js';

function observe(name: 'failover' | 'failback', role: Role, after: 'inject' | 'recover'): DrillPhase {
  const since = after === 'inject' ? 'after injection' : 'after recovery began';
  return {
    name,
    async run(ctx, update) {
      const { settings, signal, runtime } = ctx;
      const from = startOf(ctx, after);
      // --hold is the minimum length of the outage (or of the restored state): it counts from the moment
      // the change was in effect, the end of the inject (recover) phase, which a slow change (an App
      // Runner pause takes minutes) would otherwise eat into. Times are measured from `from`.
      const inEffect = endOf(ctx, after);
      const n = settings.thresholds.steadyProbes;
      // With the write router: writes switch to the secondary while the failover is observed,
      // and back before the failback is.
      const toSecondary = name === 'failover' ? startSwitchToSecondary(ctx) : undefined;
      if (name === 'failback') await switchBack(ctx);
      if (name === 'failover' && settings.expect === 'no-failover') return holdWithoutFailover(ctx, from, inEffect, update);
      const result = await bounded(signal, (s) =>
        runtime.live!.consecutive(role, n, {
          since: from,
          timeoutMs: settings.observeTimeoutSeconds * 1000,
          signal: s,
          onTally: (t) => update(`${t.run}/${n} consecutive from the ${role} (${t.errors} errors)`),
        }),
      );
      const seenAfter = now() - from;
      const holdLeft = inEffect + settings.holdSeconds * 1000 - now();
      // A milestone, not a status: logged whole (status lines are throttled), so a long --hold is
      // not silent after the last count.
      if (result.ok && holdLeft > 0) {
        const held = name === 'failover' ? 'the outage' : 'the restored state';
        ctx.progress.log(`${n}/${n} from the ${role}: holding ${held} ${secs(holdLeft)} more (--hold ${settings.holdSeconds} s)`);
      }
      if (result.ok) await hold(inEffect, settings.holdSeconds, signal);
      // The fault is held until the alarms fire, and the failback watched until they clear.
      const alarms = result.ok ? await awaitAlarms(ctx, name === 'failover' ? 'ALARM' : 'OK', from, update) : undefined;
      // The phase lasts until the write switch was seen too, but its summary times the GETs alone.
      const writes = toSecondary ? await toSecondary : undefined;
      if (!result.ok) return { value: 'next', failed: true, summary: result.reason };
      const switched = writes ? `; writes switched ${secs(writes.requestedAt - from)} ${since}` : '';
      const alarmed = alarms ? `; ${alarms}` : '';
      return { value: 'next', summary: `${n} consecutive edge GETs from the ${role} ${secs(seenAfter)} ${since}${switched}${alarmed}` };
    },
  };
}

/**
 * A negative control (--expect no-failover): no switch is waited for. The outage is held for --hold
 * (a slow fault's delay on top) and until `steadyProbes` edge GETs sent after the fault was in effect
 * were answered, within --observe-timeout: the verdict judges what viewers saw, so the outage lasts
 * until there is something to judge, however slow the answers. Too few answers fails nothing here;
 * the verdict says what it lacked.
 */
async function holdWithoutFailover(
  ctx: DrillContext,
  from: number,
  inEffect: number,
  update: (status: string) => void,
): Promise<{ value: 'next'; summary: string }> {
  const { settings, signal, runtime } = ctx;
  const delay = settings.fault.kind === 'slow' ? settings.fault.ms / 1000 : 0;
  const seconds = settings.holdSeconds + delay;
  const n = settings.thresholds.steadyProbes;
  update(`holding the outage ${seconds} s and until ${n} edge GETs are answered: no failover expected`);
  const [answers] = await Promise.all([
    bounded(signal, (s) =>
      runtime.live!.answered(n, {
        since: inEffect,
        timeoutMs: settings.observeTimeoutSeconds * 1000,
        signal: s,
        onCount: (k) => update(`${k}/${n} edge GETs answered in the outage: no failover expected`),
      }),
    ),
    hold(inEffect, seconds, signal),
  ]);
  const short = answers.ok ? '' : `; ${answers.reason}`;
  return { value: 'next', summary: `held the outage ${secs(now() - from)} after injection (no failover expected)${short}` };
}

export const observeFailover = observe('failover', 'secondary', 'inject');
export const observeFailback = observe('failback', 'primary', 'recover');

/**
 * The write switch during a drill: after the outage begins, wait the switch delay (the
 * modelled detection delay, or --write-switch-delay), point the router at the secondary, and
 * watch the write probes until one is served from there; after the primary is back, switch
 * back and watch for a write from the primary. The watching is bounded; a switch that is never
 * observed is recorded without `observedAt`, and the write assertions fail on it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { roleFromServedBy } from '../analysis/attribution.js';
import { isSuccess, type Role } from '../analysis/timeline.js';
import type { WriteSwitchRecord } from '../analysis/writes.js';
import { now, type Prober } from '../probe/prober.js';
import type { Target } from '../targets/target.js';
import { hold } from './wait.js';

export interface WriteSwitchProps {
  readonly target: Target;
  readonly prober: Prober;
  readonly to: Role;
  /** Epoch ms the delay counts from. */
  readonly since: number;
  readonly delaySeconds: number;
  readonly delayBasis: string;
  /** Bound on seeing a write served by `to` once the switch is requested. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly update?: (message: string) => void;
  /** Milliseconds between progress updates while waiting. @default 5000 */
  readonly tickMs?: number;
}

export async function switchWrites(p: WriteSwitchProps): Promise<WriteSwitchRecord> {
  if (!p.target.switchWrites) throw new Error(`the ${p.target.name} target cannot switch writes`);
  const tick = p.tickMs ?? 5000;
  // The delay can be minutes (the modelled detection delay): say what is awaited and how long is left, every tick.
  const due = p.since + p.delaySeconds * 1000;
  for (let left = due - now(); left > 0; left = due - now()) {
    p.update?.(`switching writes to the ${p.to} in ${(left / 1000).toFixed(1)} s: waiting out the switch delay of ${p.delaySeconds} s (${p.delayBasis})`);
    await hold(now(), Math.min(left, tick) / 1000, p.signal);
  }
  const requestedAt = now();
  await p.target.switchWrites(p.to, p.signal);
  const deadline = requestedAt + p.timeoutMs;
  let told = -Infinity;
  for (;;) {
    if (now() - told >= tick) {
      told = now();
      p.update?.(
        `active-region = ${p.to}; waiting for a write served by the ${p.to} (${((deadline - told) / 1000).toFixed(1)} s left of ${p.timeoutMs / 1000} s)`,
      );
    }
    const seen = p.prober.probes.find(
      (r) => r.kind === 'write' && r.sentAt >= requestedAt && isSuccess(r) && roleFromServedBy(r.servedByHeader) === p.to,
    );
    if (seen) {
      return { to: p.to, requestedAt, observedAt: seen.sentAt + seen.latencyMs, delaySeconds: p.delaySeconds, delayBasis: p.delayBasis };
    }
    if (now() > deadline) return { to: p.to, requestedAt, delaySeconds: p.delaySeconds, delayBasis: p.delayBasis };
    await sleep(50, undefined, { signal: p.signal });
  }
}

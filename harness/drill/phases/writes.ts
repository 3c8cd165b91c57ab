/**
 * The write router's part in a drill: with write probes and a stack and target that route
 * writes, writes are switched to the secondary after the detection delay while the GET failover
 * is observed, and back (by hand, the default) once the primary serves again.
 */
import type { Role } from '../../analysis/timeline.js';
import type { WriteSwitchRecord } from '../../analysis/writes.js';
import { now } from '../../probe/prober.js';
import { switchWrites } from '../write-switch.js';
import { startOf, type DrillContext } from './phase.js';

/** Switches writes to `to` after `delaySeconds` from `since`, records the switch in the state, and logs how it went. */
export async function switchWritesDuringDrill(
  ctx: DrillContext,
  to: Role,
  since: number,
  delaySeconds: number,
  delayBasis: string,
): Promise<WriteSwitchRecord> {
  const { target, settings, state, signal, runtime, progress } = ctx;
  const record = await switchWrites({
    target,
    prober: runtime.prober!,
    to,
    since,
    delaySeconds,
    delayBasis,
    timeoutMs: settings.observeTimeoutSeconds * 1000,
    signal,
    update: (m) => progress.log(`writes: ${m}`),
  });
  state.writeSwitches.push(record);
  progress.log(
    record.observedAt === undefined
      ? `writes: no write served by the ${to} within ${settings.observeTimeoutSeconds} s of the switch`
      : `writes: served by the ${to} ${((record.observedAt - record.requestedAt) / 1000).toFixed(1)} s after the switch`,
  );
  return record;
}

/**
 * Starts the switch to the secondary, counted from the injection: after --write-switch-delay,
 * or the target's modelled detection delay. Undefined when this run does not route writes.
 */
export function startSwitchToSecondary(ctx: DrillContext): Promise<WriteSwitchRecord> | undefined {
  const { state, settings } = ctx;
  const router = state.endpoints?.writeRouter;
  if (!state.routesWrites || !router) return undefined;
  const given = settings.writes?.switchDelaySeconds;
  const pending = switchWritesDuringDrill(
    ctx,
    'secondary',
    startOf(ctx, 'inject'),
    given ?? router.switchDelaySeconds,
    given === undefined ? router.switchDelayBasis : 'given: --write-switch-delay',
  );
  // Awaited by the caller; an abort while it waits must not be an unhandled rejection.
  pending.catch(() => undefined);
  return pending;
}

/** The switch back, by hand: once the primary serves again, at once. */
export async function switchBack(ctx: DrillContext): Promise<void> {
  if (!ctx.state.routesWrites) return;
  await switchWritesDuringDrill(ctx, 'primary', now(), 0, 'by hand: once the primary serves again');
}

/**
 * The alarm phase (settings.alarms): before the fault, the stack's alarms are found and no guard
 * alarm may already be ALARM; while the primary is faulted, the guard alarms are read every poll
 * interval and one in ALARM ends the fault at once (the run is stopped, the cleanup resumes the
 * primary); after failover is observed the fault is held until the asserted alarms are ALARM,
 * and after failback the drill waits until they are OK. Each wait is bounded by the plan and
 * timed by the alarm's history (the cloud's own timestamps), never by when the drill polled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EdgeFailoverError } from '../../../core/errors.js';
import { isSnsArn, type AlarmResult, type AlarmWait } from '../../analysis/alarms.js';
import type { AlarmPlan, PlannedAlarm } from '../../alarms/plan.js';
import { now } from '../../probe/prober.js';
import type { AlarmStatus, TargetAlarms } from '../../targets/target.js';
import { messageOf } from '../cleanup.js';
import type { DrillContext } from './phase.js';

/** Raised through the run's signal when a guard alarm ends the fault. */
export class GuardAlarmStop extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardAlarmStop';
  }
}

interface Planned {
  readonly plan: AlarmPlan;
  readonly alarms: TargetAlarms;
}

/** The plan and the target's alarms, or undefined when this run has no alarm phase. */
function planned(ctx: DrillContext): Planned | undefined {
  const plan = ctx.settings.alarms;
  if (!plan) return undefined;
  const alarms = ctx.target.alarms;
  if (!alarms) {
    throw new EdgeFailoverError(
      'usage',
      `--alarms = ${plan.mode}: allowed: off on the ${ctx.target.name} target (it has no alarms to read)`,
    );
  }
  return { plan, alarms };
}

/** The deployed name of a stack alarm of this kind (modules/monitoring/names.ts: <namePrefix>-<kind>). */
function deployedName(alarms: TargetAlarms, kind: string): string {
  return `${alarms.namePrefix}-${kind}`;
}

/**
 * Before the fault: finds every asserted and guard alarm (a missing one is a usage error naming
 * it), records each asserted alarm's state and actions, and refuses to fault a stack whose guard
 * alarm is ALARM already. Nothing is changed.
 */
export async function checkAlarmsBeforeFault(ctx: DrillContext): Promise<string | undefined> {
  const p = planned(ctx);
  if (!p) return undefined;
  const { plan, alarms } = p;
  const asserted = plan.alarms.map((a) => deployedName(alarms, a.kind));
  const guards = [...plan.guards.kinds.map((k) => deployedName(alarms, k)), ...plan.guards.names];
  const found = await alarms.describe([...new Set([...asserted, ...guards])], ctx.signal);
  const byName = new Map(found.map((a) => [a.name, a]));
  const missing = [...new Set([...asserted, ...guards])].filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new EdgeFailoverError(
      'usage',
      `alarm${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in the stack's regions: allowed: alarms that exist (check --guard-alarm, or run with --alarms off for a stack without the monitoring layer)`,
    );
  }
  const firing = guards.map((n) => byName.get(n)!).filter((a) => a.state === 'ALARM');
  if (firing.length > 0) {
    throw new EdgeFailoverError(
      'external',
      `guard alarm ${firing.map((a) => `${a.name} (${a.region}): ${a.reason ?? 'no reason given'}`).join('; ')} is ALARM before the fault: the drill does not fault a stack that is alarming already`,
    );
  }
  const results: AlarmResult[] = plan.alarms.map((a) => {
    const s = byName.get(deployedName(alarms, a.kind))!;
    return {
      kind: a.kind,
      name: s.name,
      region: s.region,
      stateBefore: s.state,
      alarmActions: s.alarmActions,
      okActions: s.okActions,
      notifiesSns: s.alarmActions.some(isSnsArn),
    };
  });
  ctx.state.alarms = { results, guards: guards.map((n) => ({ name: n, region: byName.get(n)!.region })) };
  return `alarms found: ${results.map((r) => `${r.name}=${r.stateBefore}`).join(', ')}; guards: ${guards.join(', ')}`;
}

/**
 * Reads the guard alarms every poll interval until stopped; the first in ALARM is recorded and
 * `stopRun` is called with why. A failed read is logged and retried at the next interval.
 */
export function startGuard(ctx: DrillContext, stopRun: (why: GuardAlarmStop) => void): { stop(): Promise<void> } | undefined {
  const p = planned(ctx);
  const watched = ctx.state.alarms?.guards ?? [];
  if (!p || watched.length === 0) return undefined;
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, ctx.signal]);
  const loop = (async () => {
    while (!signal.aborted) {
      try {
        await sleep(p.plan.pollIntervalSeconds * 1000, undefined, { signal });
        const read = await p.alarms.describe(
          watched.map((g) => g.name),
          signal,
        );
        const firing = read.find((a) => a.state === 'ALARM');
        if (firing && !signal.aborted) {
          const reason = firing.reason ?? 'no reason given';
          ctx.state.alarms = { ...ctx.state.alarms!, stoppedBy: { name: firing.name, region: firing.region, reason, seenAt: now() } };
          stopRun(new GuardAlarmStop(`guard alarm ${firing.name} (${firing.region}) is ALARM: ${reason}; the fault is ended at once`));
          return;
        }
      } catch (err) {
        if (signal.aborted) return;
        ctx.progress.log(`alarms: the guard alarms could not be read (read again in ${p.plan.pollIntervalSeconds} s): ${messageOf(err)}`);
      }
    }
  })();
  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

/**
 * Waits until every asserted alarm is in `state`, each within its bound from `from` (epoch ms),
 * and records each wait with the history's timestamp of the transition. Returns a summary.
 */
export async function awaitAlarms(
  ctx: DrillContext,
  state: 'ALARM' | 'OK',
  from: number,
  update: (status: string) => void,
): Promise<string | undefined> {
  const p = planned(ctx);
  const run = ctx.state.alarms;
  if (!p || !run) return undefined;
  const { plan, alarms } = p;
  const which = state === 'ALARM' ? 'detect' : 'clear';
  const bounds = new Map(plan.alarms.map((a: PlannedAlarm) => [a.kind, a[which].seconds]));
  // Clearing is waited for only where the alarm fired: one that never reached ALARM has nothing to clear.
  const pending = new Map(run.results.filter((r) => state === 'ALARM' || (r.detect?.reachedAt ?? null) !== null).map((r) => [r.name, r]));
  if (pending.size === 0) return undefined;
  const waits = new Map<string, AlarmWait>();
  const last = new Map<string, AlarmStatus>();
  const record = async (r: AlarmResult, reached: boolean) => {
    const bound = bounds.get(r.kind)!;
    const history = reached ? await alarms.history({ name: r.name, region: r.region }, from, ctx.signal) : [];
    const into = history.find((t) => t.to === state);
    const seen = last.get(r.name);
    waits.set(r.name, {
      state,
      from,
      boundSeconds: bound,
      reachedAt: into ? into.at : null,
      seconds: into ? Math.max(0, (into.at - from) / 1000) : null,
      ...(into?.reason !== undefined
        ? { reason: into.reason }
        : reached
          ? { reason: `${state} already before the wait began (no transition into ${state} in its history since then)` }
          : { reason: `still ${seen?.state ?? 'unread'} at the bound${seen?.reason ? ` (${seen.reason})` : ''}` }),
    });
    pending.delete(r.name);
  };
  for (;;) {
    const read = await alarms.describe([...pending.keys()], ctx.signal);
    for (const a of read) last.set(a.name, a);
    const elapsed = (now() - from) / 1000;
    for (const r of [...pending.values()]) {
      const s = last.get(r.name);
      if (s?.state === state) await record(r, true);
      else if (elapsed >= bounds.get(r.kind)!) await record(r, false);
    }
    if (pending.size === 0) break;
    update(
      `waiting for ${[...pending.keys()].map((n) => `${n} (${last.get(n)?.state ?? 'unread'})`).join(', ')} to be ${state}: ${elapsed.toFixed(0)} s`,
    );
    await sleep(plan.pollIntervalSeconds * 1000, undefined, { signal: ctx.signal });
  }
  ctx.state.alarms = { ...run, results: run.results.map((r) => (waits.has(r.name) ? { ...r, [which]: waits.get(r.name)! } : r)) };
  return [...waits.entries()]
    .map(([name, w]) => `${name} ${state} ${w.seconds === null ? `not within ${w.boundSeconds} s` : `after ${w.seconds.toFixed(1)} s`}`)
    .join(', ');
}

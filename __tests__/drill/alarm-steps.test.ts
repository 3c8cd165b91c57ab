/**
 * The alarm phase's three steps over a hand-made context and hand-set alarms (no drill, no probes):
 * the check before the fault finds every alarm and refuses a missing or firing one; the guard
 * watch reads the guards every poll interval and stops the run on the first in ALARM; the wait
 * for the asserted alarms times each from the alarm's own history and gives up at its bound.
 */
import { expect, jest, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { EdgeFailoverError } from '../../core/errors.js';
import type { AlarmPlan } from '../../harness/alarms/plan.js';
import { CleanupStack } from '../../harness/drill/cleanup.js';
import { awaitAlarms, checkAlarmsBeforeFault, GuardAlarmStop, startGuard } from '../../harness/drill/phases/alarms.js';
import type { DrillContext } from '../../harness/drill/phases/phase.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import { DEFAULT_DRILL_SETTINGS } from '../../harness/drill/settings.js';
import { createDrillState } from '../../harness/drill/state.js';
import { now } from '../../harness/probe/prober.js';
import type { AlarmStatus, AlarmTransition, Target, TargetAlarms } from '../../harness/targets/target.js';
import { withPace } from '../support/pace.js';
import { alarmPlan } from './alarm-plan.js';

const SNS = 'arn:aws:sns:us-east-1:111122223333:ef-alerts';
const POLL_SECONDS = 0.02;

const plan = (detect = 5, clear = 5, guardNames: string[] = []): AlarmPlan =>
  alarmPlan({ detect, clear, pollIntervalSeconds: POLL_SECONDS, guardNames });

/** Alarms as a test sets them: each name's status, and its history. */
class HandAlarms implements TargetAlarms {
  readonly namePrefix = 'ef';
  readonly status = new Map<string, Partial<AlarmStatus>>();
  readonly history_ = new Map<string, AlarmTransition[]>();
  readonly described: string[][] = [];
  readonly historyAsked: { name: string; region: string; since: number }[] = [];
  failNext = 0;
  constructor(names: readonly string[], state = 'OK') {
    for (const n of names) this.status.set(n, { state });
  }
  set(name: string, state: string, reason?: string, at = Date.now()): void {
    const was = this.status.get(name)?.state ?? 'OK';
    this.status.set(name, { ...this.status.get(name), state, reason });
    this.history_.set(name, [...(this.history_.get(name) ?? []), { at, from: was, to: state, ...(reason ? { reason } : {}) }]);
  }
  async describe(names: readonly string[]): Promise<AlarmStatus[]> {
    this.described.push([...names]);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('ThrottlingException');
    }
    return names
      .filter((n) => this.status.has(n))
      .map((name) => {
        const s = this.status.get(name)!;
        return {
          name,
          region: s.region ?? (name.includes('guard') ? 'us-west-2' : 'us-east-1'),
          state: s.state ?? 'OK',
          ...(s.reason ? { reason: s.reason } : {}),
          alarmActions: s.alarmActions ?? [SNS],
          okActions: s.okActions ?? [],
        };
      });
  }
  async history(alarm: { name: string; region: string }, since: number): Promise<AlarmTransition[]> {
    this.historyAsked.push({ ...alarm, since });
    return (this.history_.get(alarm.name) ?? []).filter((t) => t.at >= since);
  }
}

/** HandAlarms whose reads, once gated, wait until opened and then answer the state as it is: a slow API. */
class GatedAlarms extends HandAlarms {
  private gated: Promise<void> | undefined;
  private release: () => void = () => undefined;
  waiting = 0;
  gate(): void {
    this.gated = new Promise((r) => (this.release = r));
  }
  open(): void {
    this.release();
    this.gated = undefined;
  }
  override async describe(names: readonly string[]): Promise<AlarmStatus[]> {
    const gated = this.gated;
    if (gated) {
      this.waiting++;
      await gated;
      this.waiting--;
    }
    return super.describe(names);
  }
}

const ALL = ['ef-failover-active', 'ef-primary-unhealthy', 'ef-viewers-see-errors'];

function context(alarms: TargetAlarms | undefined, alarmPlan: AlarmPlan | null = plan()) {
  const logs: string[] = [];
  const progress: Progress = {
    phase: async <T>(_n: unknown, work: (u: (m: string) => void) => Promise<PhaseOutcome<T>>) => work(() => undefined),
    log: (m) => void logs.push(m),
  };
  const settings = { ...DEFAULT_DRILL_SETTINGS, ...(alarmPlan ? { alarms: alarmPlan } : {}) };
  const target = { name: 'local', ...(alarms ? { alarms } : {}) } as unknown as Target;
  const ctx: DrillContext = {
    target,
    settings,
    state: createDrillState({ runId: 'r', target: 'local', settings, startedAt: Date.now() }),
    progress,
    signal: new AbortController().signal,
    cleanup: new CleanupStack(),
    runtime: {},
  };
  return { ctx, logs };
}

describe('before the fault', () => {
  test('without an alarm plan nothing is read and nothing is said', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms, null);
    expect(await checkAlarmsBeforeFault(ctx)).toBeUndefined();
    expect(alarms.described).toEqual([]);
    expect(ctx.state.alarms).toBeUndefined();
    expect(startGuard(ctx, () => undefined)).toBeUndefined();
    expect(await awaitAlarms(ctx, 'ALARM', now(), () => undefined)).toBeUndefined();
  });

  test('a plan on a target without alarms is a usage error naming the mode and the target', async () => {
    const { ctx } = context(undefined);
    const err = await checkAlarmsBeforeFault(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeFailoverError);
    expect(err).toMatchObject({ kind: 'usage', message: '--alarms = assert: allowed: off on the local target (it has no alarms to read)' });
  });

  test('every asserted and guard alarm is looked up once, by its deployed name; each asserted one is recorded as found', async () => {
    const alarms = new HandAlarms([...ALL, 'team-guard'], 'OK');
    alarms.status.set('ef-primary-unhealthy', {
      state: 'INSUFFICIENT_DATA',
      alarmActions: ['arn:aws:lambda:us-east-1:111122223333:function:x'],
      okActions: [SNS],
    });
    // A guard named twice (as a kind and by name) is read once.
    const { ctx } = context(alarms, plan(5, 5, ['team-guard', 'ef-viewers-see-errors']));
    const summary = await checkAlarmsBeforeFault(ctx);
    expect(alarms.described).toEqual([['ef-failover-active', 'ef-primary-unhealthy', 'ef-viewers-see-errors', 'team-guard']]);
    expect(ctx.state.alarms!.results).toEqual([
      {
        kind: 'failover-active',
        name: 'ef-failover-active',
        region: 'us-east-1',
        stateBefore: 'OK',
        alarmActions: [SNS],
        okActions: [],
        notifiesSns: true,
      },
      {
        kind: 'primary-unhealthy',
        name: 'ef-primary-unhealthy',
        region: 'us-east-1',
        stateBefore: 'INSUFFICIENT_DATA',
        alarmActions: ['arn:aws:lambda:us-east-1:111122223333:function:x'],
        okActions: [SNS],
        notifiesSns: false,
      },
    ]);
    expect(ctx.state.alarms!.guards).toEqual([
      { name: 'ef-viewers-see-errors', region: 'us-east-1' },
      { name: 'team-guard', region: 'us-west-2' },
      { name: 'ef-viewers-see-errors', region: 'us-east-1' },
    ]);
    expect(summary).toBe(
      'alarms found: ef-failover-active=OK, ef-primary-unhealthy=INSUFFICIENT_DATA; guards: ef-viewers-see-errors, team-guard, ef-viewers-see-errors',
    );
  });

  test('a missing alarm is a usage error naming it; several are all named', async () => {
    const one = context(new HandAlarms(['ef-failover-active', 'ef-viewers-see-errors']));
    await expect(checkAlarmsBeforeFault(one.ctx)).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/^alarm ef-primary-unhealthy not found in the stack's regions: allowed: alarms that exist/),
    });
    const two = context(new HandAlarms(['ef-failover-active']), plan(5, 5, ['team-guard']));
    await expect(checkAlarmsBeforeFault(two.ctx)).rejects.toMatchObject({
      message: expect.stringMatching(/^alarms ef-primary-unhealthy, ef-viewers-see-errors, team-guard not found/),
    });
    expect(one.ctx.state.alarms).toBeUndefined();
  });

  test('a guard already ALARM refuses the fault, naming it, its region and its reason; an asserted one ALARM does not', async () => {
    const alarms = new HandAlarms(ALL);
    alarms.set('ef-failover-active', 'ALARM', 'left over');
    const { ctx } = context(alarms);
    await expect(checkAlarmsBeforeFault(ctx)).resolves.toContain('ef-failover-active=ALARM');
    alarms.set('ef-viewers-see-errors', 'ALARM', 'Threshold Crossed: 3 datapoints');
    const err = await checkAlarmsBeforeFault(context(alarms).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'external',
      message:
        'guard alarm ef-viewers-see-errors (us-east-1): Threshold Crossed: 3 datapoints is ALARM before the fault: the drill does not fault a stack that is alarming already',
    });
    alarms.set('ef-viewers-see-errors', 'ALARM');
    await expect(checkAlarmsBeforeFault(context(alarms).ctx)).rejects.toThrow(
      'ef-viewers-see-errors (us-east-1): no reason given is ALARM',
    );
  });

  test('several guards already ALARM are each named with its region and reason, one entry each, separated', async () => {
    const alarms = new HandAlarms([...ALL, 'team-guard']);
    alarms.set('ef-viewers-see-errors', 'ALARM', 'Threshold Crossed: 3 datapoints');
    alarms.set('team-guard', 'ALARM');
    const { ctx } = context(alarms, plan(5, 5, ['team-guard']));
    const err = await checkAlarmsBeforeFault(ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'external' });
    const named = /^guard alarm (.*) is ALARM before the fault: /.exec((err as Error).message)?.[1];
    // Every firing guard, in the order they are guarded, and nothing else: the entries do not run into each other.
    expect(named?.split('; ')).toEqual([
      'ef-viewers-see-errors (us-east-1): Threshold Crossed: 3 datapoints',
      'team-guard (us-west-2): no reason given',
    ]);
    expect(ctx.state.alarms).toBeUndefined();
  });
});

describe('the guard watch', () => {
  const started = async (alarms: HandAlarms, guardNames: string[] = []) => {
    const c = context(alarms, plan(5, 5, guardNames));
    await checkAlarmsBeforeFault(c.ctx);
    const stops: GuardAlarmStop[] = [];
    const guard = startGuard(c.ctx, (why) => void stops.push(why));
    return { ...c, guard, stops };
  };

  test('no guard alarms: no watch', async () => {
    const alarms = new HandAlarms(ALL);
    const c = context(alarms, { ...plan(), guards: { kinds: [], names: [] } });
    await checkAlarmsBeforeFault(c.ctx);
    expect(startGuard(c.ctx, () => undefined)).toBeUndefined();
  });

  test('a guard in ALARM stops the run once, naming it, and the state records which and when', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx, guard, stops } = await started(alarms);
    await sleep(POLL_SECONDS * 1000 * 3);
    expect(stops).toEqual([]);
    const before = now();
    alarms.set('ef-viewers-see-errors', 'ALARM', '5xx over 5%');
    for (let i = 0; i < 100 && stops.length === 0; i++) await sleep(POLL_SECONDS * 1000);
    await sleep(POLL_SECONDS * 1000 * 3);
    await guard!.stop();
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeInstanceOf(GuardAlarmStop);
    expect(stops[0]!.name).toBe('GuardAlarmStop');
    expect(stops[0]!.message).toBe('guard alarm ef-viewers-see-errors (us-east-1) is ALARM: 5xx over 5%; the fault is ended at once');
    const stoppedBy = ctx.state.alarms!.stoppedBy!;
    expect(stoppedBy).toMatchObject({ name: 'ef-viewers-see-errors', region: 'us-east-1', reason: '5xx over 5%' });
    expect(stoppedBy.seenAt).toBeGreaterThanOrEqual(before);
    // The rest of the alarm block is kept.
    expect(ctx.state.alarms!.results).toHaveLength(2);
    // Only the guards are read.
    expect(new Set(alarms.described.slice(1).flat())).toEqual(new Set(['ef-viewers-see-errors']));
  });

  test('a guard in ALARM without a reason is named with "no reason given"', async () => {
    const alarms = new HandAlarms(ALL);
    const { guard, stops, ctx } = await started(alarms);
    alarms.set('ef-viewers-see-errors', 'ALARM');
    for (let i = 0; i < 100 && stops.length === 0; i++) await sleep(POLL_SECONDS * 1000);
    await guard!.stop();
    expect(stops[0]!.message).toContain('is ALARM: no reason given;');
    expect(ctx.state.alarms!.stoppedBy!.reason).toBe('no reason given');
  });

  test('the guards are read once a poll interval, not sooner', async () => {
    const alarms = new HandAlarms(ALL);
    const { guard } = await started(alarms);
    const reads = alarms.described.length;
    const t0 = performance.now();
    await sleep(POLL_SECONDS * 1000 * 10);
    const elapsed = performance.now() - t0;
    await guard!.stop();
    const n = alarms.described.length - reads;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(Math.ceil(elapsed / (POLL_SECONDS * 1000)) + 1);
  });

  test('a failed read is logged with the interval and read again; a later ALARM still stops the run', async () => {
    const alarms = new HandAlarms(ALL);
    const { guard, stops, logs } = await started(alarms);
    alarms.failNext = 1;
    for (let i = 0; i < 100 && logs.length === 0; i++) await sleep(POLL_SECONDS * 1000);
    alarms.set('ef-viewers-see-errors', 'ALARM', 'late');
    for (let i = 0; i < 100 && stops.length === 0; i++) await sleep(POLL_SECONDS * 1000);
    await guard!.stop();
    expect(logs).toEqual([`alarms: the guard alarms could not be read (read again in ${POLL_SECONDS} s): ThrottlingException`]);
    expect(stops).toHaveLength(1);
  });

  test('stop() ends the watch: no read after it, and a guard firing then stops nothing', async () => {
    const alarms = new HandAlarms(ALL);
    const { guard, stops } = await started(alarms);
    await sleep(POLL_SECONDS * 1000 * 2);
    await guard!.stop();
    const reads = alarms.described.length;
    alarms.set('ef-viewers-see-errors', 'ALARM');
    await sleep(POLL_SECONDS * 1000 * 5);
    expect(alarms.described.length).toBe(reads);
    expect(stops).toEqual([]);
  });

  test("the run's signal ends the watch too, without a log line", async () => {
    const alarms = new HandAlarms(ALL);
    const ac = new AbortController();
    const c = context(alarms);
    const ctx = { ...c.ctx, signal: ac.signal };
    await checkAlarmsBeforeFault(ctx);
    const guard = startGuard(ctx, () => undefined)!;
    ac.abort(new Error('SIGINT'));
    await guard.stop();
    const reads = alarms.described.length;
    await sleep(POLL_SECONDS * 1000 * 4);
    expect(alarms.described.length).toBe(reads);
    expect(c.logs).toEqual([]);
  });

  test('stop() does not wait out the poll interval: the watch ends within the lateness of this process, however long the interval', async () => {
    const pollSeconds = 30;
    const alarms = new HandAlarms(ALL);
    const c = context(alarms, alarmPlan({ detect: 5, clear: 5, pollIntervalSeconds: pollSeconds }));
    await checkAlarmsBeforeFault(c.ctx);
    const guard = startGuard(c.ctx, () => undefined)!;
    const { value: elapsedMs, pace } = await withPace(async () => {
      // Let the watch settle into its first interval before stopping it.
      await sleep(POLL_SECONDS * 1000);
      const t0 = performance.now();
      await guard.stop();
      return performance.now() - t0;
    });
    // A small part of one interval, on top of how late this process's event loop ran meanwhile.
    expect(elapsedMs).toBeLessThan(pace.lagMs + (pollSeconds * 1000) / 10);
    expect(alarms.described).toHaveLength(1); // the check's read; none by the watch
  });
});

describe('waiting for the asserted alarms', () => {
  const prepared = async (detect = 5, clear = 5) => {
    const alarms = new HandAlarms(ALL);
    const c = context(alarms, plan(detect, clear));
    await checkAlarmsBeforeFault(c.ctx);
    const updates: string[] = [];
    return { alarms, ...c, updates, update: (m: string) => void updates.push(m) };
  };

  test('each alarm is timed by its history from the start of the wait; the summary says after how long', async () => {
    const { alarms, ctx, updates, update } = await prepared();
    const from = now();
    setTimeout(() => alarms.set('ef-failover-active', 'ALARM', 'fa fired', from + 1500), POLL_SECONDS * 1000 * 2);
    setTimeout(() => alarms.set('ef-primary-unhealthy', 'ALARM', 'pu fired', from + 2500), POLL_SECONDS * 1000 * 4);
    const summary = await awaitAlarms(ctx, 'ALARM', from, update);
    expect(summary).toBe('ef-failover-active ALARM after 1.5 s, ef-primary-unhealthy ALARM after 2.5 s');
    const [fa, pu] = ctx.state.alarms!.results;
    expect(fa!.detect).toEqual({ state: 'ALARM', from, boundSeconds: 5, reachedAt: from + 1500, seconds: 1.5, reason: 'fa fired' });
    expect(pu!.detect).toMatchObject({ reachedAt: from + 2500, seconds: 2.5, reason: 'pu fired' });
    expect(fa!.clear).toBeUndefined();
    expect(alarms.historyAsked).toEqual([
      { name: 'ef-failover-active', region: 'us-east-1', since: from },
      { name: 'ef-primary-unhealthy', region: 'us-east-1', since: from },
    ]);
    // While waiting, it says which alarms are awaited, in what state, for how long.
    expect(updates[0]).toMatch(/^waiting for ef-failover-active \(OK\), ef-primary-unhealthy \(OK\) to be ALARM: \d+ s$/);
    expect(updates.some((u) => /^waiting for ef-primary-unhealthy \(OK\) to be ALARM/.test(u))).toBe(true);
  });

  test('an alarm not in the state by its bound is recorded as not reached, with the state it was left in', async () => {
    const { alarms, ctx, update } = await prepared(0.1);
    alarms.status.set('ef-primary-unhealthy', { state: 'INSUFFICIENT_DATA', reason: 'no datapoints' });
    const from = now();
    const summary = await awaitAlarms(ctx, 'ALARM', from, update);
    expect(now() - from).toBeGreaterThanOrEqual(100);
    expect(summary).toBe('ef-failover-active ALARM not within 0.1 s, ef-primary-unhealthy ALARM not within 0.1 s');
    const [fa, pu] = ctx.state.alarms!.results;
    expect(fa!.detect).toEqual({
      state: 'ALARM',
      from,
      boundSeconds: 0.1,
      reachedAt: null,
      seconds: null,
      reason: 'still OK at the bound',
    });
    expect(pu!.detect!.reason).toBe('still INSUFFICIENT_DATA at the bound (no datapoints)');
    // Nothing was reached: no history was read.
    expect(alarms.historyAsked).toEqual([]);
  });

  test('an alarm in the state already, with no transition since the start, is reached without a time', async () => {
    const { alarms, ctx, update } = await prepared();
    alarms.set('ef-failover-active', 'ALARM', 'old', now() - 60_000);
    alarms.set('ef-primary-unhealthy', 'ALARM', 'old', now() - 60_000);
    const from = now();
    const summary = await awaitAlarms(ctx, 'ALARM', from, update);
    expect(ctx.state.alarms!.results[0]!.detect).toEqual({
      state: 'ALARM',
      from,
      boundSeconds: 5,
      reachedAt: null,
      seconds: null,
      reason: 'ALARM already before the wait began (no transition into ALARM in its history since then)',
    });
    expect(summary).toBe('ef-failover-active ALARM not within 5 s, ef-primary-unhealthy ALARM not within 5 s');
  });

  test('the wait uses the bound of its own state: detect for ALARM, clear for OK', async () => {
    const { alarms, ctx, update } = await prepared(0.05, 30);
    const from = now();
    await awaitAlarms(ctx, 'ALARM', from, update);
    expect(ctx.state.alarms!.results.map((r) => r.detect!.boundSeconds)).toEqual([0.05, 0.05]);
    // Neither reached ALARM: nothing to wait for to clear.
    expect(await awaitAlarms(ctx, 'OK', now(), update)).toBeUndefined();
    expect(ctx.state.alarms!.results.every((r) => r.clear === undefined)).toBe(true);
    expect(alarms.described.length).toBeGreaterThan(0);
  });

  test('clearing is waited for only where the alarm fired, and recorded under clear', async () => {
    const { alarms, ctx, update } = await prepared(5, 0.1);
    const from = now();
    alarms.set('ef-failover-active', 'ALARM', 'fired', from + 10);
    alarms.status.set('ef-primary-unhealthy', { state: 'OK' });
    const c = ctx.state.alarms!;
    ctx.state.alarms = {
      ...c,
      results: [c.results[0]!, { ...c.results[1]!, detect: { state: 'ALARM', from, boundSeconds: 0, reachedAt: null, seconds: null } }],
    };
    // The first fired: its detect wait is recorded.
    ctx.state.alarms = {
      ...ctx.state.alarms,
      results: [
        { ...ctx.state.alarms.results[0]!, detect: { state: 'ALARM', from, boundSeconds: 5, reachedAt: from + 10, seconds: 0.01 } },
        ctx.state.alarms.results[1]!,
      ],
    };
    const recovery = now();
    setTimeout(() => alarms.set('ef-failover-active', 'OK', 'cleared', recovery + 40), POLL_SECONDS * 1000);
    const described = alarms.described.length;
    const summary = await awaitAlarms(ctx, 'OK', recovery, update);
    expect(summary).toBe('ef-failover-active OK after 0.0 s');
    expect(
      alarms.described
        .slice(described)
        .flat()
        .every((n) => n === 'ef-failover-active'),
    ).toBe(true);
    expect(ctx.state.alarms!.results[0]!.clear).toEqual({
      state: 'OK',
      from: recovery,
      boundSeconds: 0.1,
      reachedAt: recovery + 40,
      seconds: 0.04,
      reason: 'cleared',
    });
    expect(ctx.state.alarms!.results[1]!.clear).toBeUndefined();
  });

  test('polls once an interval while waiting, and stops polling once all are reached', async () => {
    const { alarms, ctx, update } = await prepared(0.2);
    const reads = alarms.described.length;
    const t0 = performance.now();
    await awaitAlarms(ctx, 'ALARM', now(), update);
    const elapsed = performance.now() - t0;
    const n = alarms.described.length - reads;
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThanOrEqual(Math.ceil(elapsed / (POLL_SECONDS * 1000)) + 1);
    await sleep(POLL_SECONDS * 1000 * 3);
    expect(alarms.described.length - reads).toBe(n);
  });
});

describe('further rules of the alarm steps', () => {
  test('an alarm notifies SNS when any of its alarm actions is an SNS topic, and only then', async () => {
    const lambda = 'arn:aws:lambda:us-east-1:111122223333:function:x';
    const cases: [string[], boolean][] = [
      [[], false],
      [[lambda], false],
      [[SNS], true],
      [[lambda, SNS], true],
      [[SNS, lambda], true],
    ];
    for (const [alarmActions, notifies] of cases) {
      const alarms = new HandAlarms(ALL);
      alarms.status.set('ef-failover-active', { state: 'OK', alarmActions });
      const { ctx } = context(alarms);
      await checkAlarmsBeforeFault(ctx);
      expect(ctx.state.alarms!.results[0]).toMatchObject({ alarmActions, notifiesSns: notifies });
    }
  });

  test('no guard watch is started before the check has recorded which guards to watch', () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms);
    expect(ctx.state.alarms).toBeUndefined();
    expect(startGuard(ctx, () => undefined)).toBeUndefined();
    expect(alarms.described).toEqual([]);
  });

  test('once stop() is called the watch stops no run: a guard read in flight then, and ALARM, is let go', async () => {
    const alarms = new GatedAlarms(ALL);
    const c = context(alarms);
    await checkAlarmsBeforeFault(c.ctx);
    const stops: GuardAlarmStop[] = [];
    const guard = startGuard(c.ctx, (why) => void stops.push(why))!;
    alarms.gate();
    for (let i = 0; i < 200 && alarms.waiting === 0; i++) await sleep(POLL_SECONDS * 1000);
    expect(alarms.waiting).toBe(1);
    alarms.set('ef-viewers-see-errors', 'ALARM', 'fired during stop');
    const stopping = guard.stop();
    alarms.open();
    await stopping;
    expect(stops).toEqual([]);
    expect(c.ctx.state.alarms!.stoppedBy).toBeUndefined();
  });

  test('a wait for the alarms needs both the plan and the alarms the check found: without either it reads nothing and says nothing', async () => {
    // A plan, but no check has run: nothing found to wait for.
    const alarms = new HandAlarms(ALL);
    const unchecked = context(alarms);
    expect(unchecked.ctx.state.alarms).toBeUndefined();
    await expect(awaitAlarms(unchecked.ctx, 'ALARM', now(), () => undefined)).resolves.toBeUndefined();
    // Alarms found, but the run has no alarm plan.
    const checked = context(alarms);
    await checkAlarmsBeforeFault(checked.ctx);
    const planless = context(alarms, null);
    planless.ctx.state.alarms = checked.ctx.state.alarms;
    const reads = alarms.described.length;
    await expect(awaitAlarms(planless.ctx, 'ALARM', now(), () => undefined)).resolves.toBeUndefined();
    expect(alarms.described).toHaveLength(reads);
    expect(alarms.described).toHaveLength(1); // the check's read alone
  });

  test('an alarm is given up on when the time since the wait began reaches its bound exactly, not one poll later', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms, plan(1));
    await checkAlarmsBeforeFault(ctx);
    // A clock the test moves: a whole number of ms, so the elapsed time is exactly the bound.
    let clock = 1_000_000;
    const spy = jest.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const from = now();
      clock += 1000;
      const updates: string[] = [];
      const summary = await awaitAlarms(ctx, 'ALARM', from, (m) => {
        updates.push(m);
        clock += 1; // a later poll would be past the bound
      });
      expect(updates).toEqual([]);
      expect(summary).toBe('ef-failover-active ALARM not within 1 s, ef-primary-unhealthy ALARM not within 1 s');
      expect(ctx.state.alarms!.results.map((r) => r.detect?.reason)).toEqual(['still OK at the bound', 'still OK at the bound']);
    } finally {
      spy.mockRestore();
    }
  });

  test('a wait for OK before any detection wait was recorded has nothing to clear, and reads nothing', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms);
    await checkAlarmsBeforeFault(ctx);
    const reads = alarms.described.length;
    expect(await awaitAlarms(ctx, 'OK', now(), () => undefined)).toBeUndefined();
    expect(alarms.described.length).toBe(reads);
  });

  test('the time is that of the transition into the awaited state, not of an earlier one into another', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms, plan(5, 5));
    await checkAlarmsBeforeFault(ctx);
    const from = now();
    alarms.set('ef-failover-active', 'INSUFFICIENT_DATA', 'no datapoints', from + 100);
    alarms.set('ef-failover-active', 'ALARM', 'fired', from + 700);
    alarms.set('ef-primary-unhealthy', 'ALARM', 'fired', from + 300);
    await awaitAlarms(ctx, 'ALARM', from, () => undefined);
    const [fa, pu] = ctx.state.alarms!.results;
    expect(fa!.detect).toMatchObject({ reachedAt: from + 700, seconds: 0.7, reason: 'fired' });
    expect(pu!.detect).toMatchObject({ reachedAt: from + 300, seconds: 0.3 });
  });

  test('an alarm the reads no longer return is named unread while waited for, and at its bound', async () => {
    const alarms = new HandAlarms(ALL);
    const { ctx } = context(alarms, plan(0.1));
    await checkAlarmsBeforeFault(ctx);
    // Deleted after the check: describe no longer returns it.
    alarms.status.delete('ef-primary-unhealthy');
    alarms.set('ef-failover-active', 'INSUFFICIENT_DATA');
    const updates: string[] = [];
    const summary = await awaitAlarms(ctx, 'ALARM', now(), (m) => void updates.push(m));
    expect(updates[0]).toMatch(
      /^waiting for ef-failover-active \(INSUFFICIENT_DATA\), ef-primary-unhealthy \(unread\) to be ALARM: \d+ s$/,
    );
    expect(ctx.state.alarms!.results[1]!.detect).toMatchObject({ reachedAt: null, seconds: null, reason: 'still unread at the bound' });
    expect(summary).toBe('ef-failover-active ALARM not within 0.1 s, ef-primary-unhealthy ALARM not within 0.1 s');
  });

  test("the run's signal ends a wait for the alarms: it rejects (the reason as its cause) instead of running to the bound", async () => {
    const alarms = new HandAlarms(ALL);
    const ac = new AbortController();
    const c = context(alarms, plan(0.5));
    const ctx = { ...c.ctx, signal: ac.signal };
    await checkAlarmsBeforeFault(ctx);
    const reason = new Error('SIGINT');
    const waiting = awaitAlarms(ctx, 'ALARM', now(), () => undefined);
    setTimeout(() => ac.abort(reason), POLL_SECONDS * 1000 * 2);
    await expect(waiting).rejects.toMatchObject({ cause: reason });
    // Nothing was recorded for a wait that did not end.
    expect(ctx.state.alarms!.results.every((r) => r.detect === undefined)).toBe(true);
  });
});

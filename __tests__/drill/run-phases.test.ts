/**
 * The orchestrator over hand-made phases (no probes, no HTTP): phases run in order until one stops
 * the drill or throws; the cleanup exists before the first phase that changes the world, once; an
 * error or a signal becomes the abort record with its kind; a guard alarm stops, not aborts; the
 * probe loop is stopped on every path and its probes kept in send order.
 */
import { expect, test } from '@jest/globals';
import { EdgeFailoverError } from '../../core/errors.js';
import type { PhaseName, ProbeRecord } from '../../harness/analysis/timeline.js';
import { CleanupStack } from '../../harness/drill/cleanup.js';
import { DEFAULT_DRILL_SETTINGS, DRILL_PHASES, DrillAborted, runDrill, runPhases } from '../../harness/drill/orchestrator.js';
import { GuardAlarmStop } from '../../harness/drill/phases/alarms.js';
import type { DrillContext, DrillPhase, Next } from '../../harness/drill/phases/phase.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import { createDrillState } from '../../harness/drill/state.js';
import type { Prober } from '../../harness/probe/prober.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import type { Target } from '../../harness/targets/target.js';
import { handTarget } from './hand-target.js';

const progress: Progress = {
  phase: async <T>(_n: PhaseName, work: (u: (m: string) => void) => Promise<PhaseOutcome<T>>) => work(() => undefined),
  log: () => undefined,
};

/** A target whose provision fails: these tests need no endpoints. */
function target(overrides: Partial<Target> = {}): Target & { calls: string[] } {
  const t = handTarget(overrides);
  if (!overrides.provision) {
    t.provision = async () => {
      t.calls.push('provision');
      throw new Error('not in these tests');
    };
  }
  return t;
}

function context(signal = new AbortController().signal) {
  const ctx: DrillContext = {
    target: target(),
    settings: DEFAULT_DRILL_SETTINGS,
    state: createDrillState({ runId: 'r', target: 'local', settings: DEFAULT_DRILL_SETTINGS, startedAt: Date.now() }),
    progress,
    signal,
    cleanup: new CleanupStack(),
    runtime: {},
  };
  return ctx;
}

const ran: string[] = [];
beforeEach(() => void ran.splice(0));
const step = (name: PhaseName, next: Next = 'next', changesWorld = false): DrillPhase => ({
  name,
  changesWorld,
  run: async () => {
    ran.push(name);
    return { value: next };
  },
});
const throwing = (name: PhaseName, err: unknown, changesWorld = false): DrillPhase => ({
  name,
  changesWorld,
  run: async () => {
    ran.push(name);
    throw err;
  },
});

/** A prober stand-in: its probes, and how it was stopped. */
function fakeProber(probes: ProbeRecord[] = [], skippedTicks = 0) {
  const stops: ({ cancel?: boolean } | undefined)[] = [];
  return { prober: { probes, skippedTicks, stop: async (o?: { cancel?: boolean }) => void stops.push(o) } as unknown as Prober, stops };
}

test('the drill phases, in order', () => {
  expect(DRILL_PHASES.map((p) => p.name)).toEqual(['preflight', 'provision', 'steady', 'inject', 'failover', 'recover', 'failback']);
  expect(DRILL_PHASES.filter((p) => p.changesWorld).map((p) => p.name)).toEqual(['provision', 'inject']);
});

test('phases run in order until one stops the drill; the later ones do not run', async () => {
  const ctx = context();
  await runPhases(ctx, [step('preflight'), step('provision'), step('steady', 'stop'), step('inject')]);
  expect(ran).toEqual(['preflight', 'provision', 'steady']);
  expect(ctx.state.stoppedBy).toBe('steady');
  expect(ctx.state.abort).toBeUndefined();
});

test('all phases passing: not stopped, not aborted', async () => {
  const ctx = context();
  await runPhases(ctx, [step('preflight'), step('provision')]);
  expect(ran).toEqual(['preflight', 'provision']);
  expect(ctx.state.stoppedBy).toBeUndefined();
  expect(ctx.state.abort).toBeUndefined();
});

test('the cleanup is registered before the first phase that changes the world, and only once', async () => {
  const ctx = context();
  let stepsWhenProvisioning = -1;
  const provision: DrillPhase = {
    name: 'provision',
    changesWorld: true,
    run: async () => {
      // What a cleanup run would do now, counted on a copy: nothing is undone here.
      stepsWhenProvisioning = (ctx.cleanup as unknown as { steps: unknown[] }).steps.length;
      return { value: 'next' };
    },
  };
  await runPhases(ctx, [step('preflight'), provision, step('inject', 'next', true)]);
  expect(stepsWhenProvisioning).toBe(2);
  const results = await ctx.cleanup.run(AbortSignal.timeout(1000));
  expect(results.map((r) => r.name)).toEqual(['resume the primary', 'teardown']);
});

test('a phase that fails before any change to the world leaves nothing to clean up', async () => {
  const ctx = context();
  await runPhases(ctx, [throwing('preflight', new Error('no credentials')), step('provision', 'next', true)]);
  expect(await ctx.cleanup.run(AbortSignal.timeout(1000))).toEqual([]);
  expect(ctx.state.abort).toEqual({ phase: 'preflight', cause: 'error', reason: 'no credentials' });
});

test("an error becomes the abort record, with the project's error kind", async () => {
  const ctx = context();
  await runPhases(ctx, [step('preflight'), throwing('provision', new EdgeFailoverError('usage', 'bad region'), true), step('steady')]);
  expect(ran).toEqual(['preflight', 'provision']);
  expect(ctx.state.abort).toEqual({ phase: 'provision', cause: 'error', reason: 'bad region', errorKind: 'usage' });
  expect(ctx.state.stoppedBy).toBeUndefined();
});

test("a target's own error carries its kind when it is text; any other kind is left out", async () => {
  const kinded = context();
  await runPhases(kinded, [throwing('inject', Object.assign(new Error('throttled'), { kind: 'external' }))]);
  expect(kinded.state.abort).toEqual({ phase: 'inject', cause: 'error', reason: 'throttled', errorKind: 'external' });
  const numeric = context();
  await runPhases(numeric, [throwing('inject', Object.assign(new Error('odd'), { kind: 7 }))]);
  expect(numeric.state.abort).toEqual({ phase: 'inject', cause: 'error', reason: 'odd' });
  const nothing = context();
  await runPhases(nothing, [throwing('inject', null)]);
  expect(nothing.state.abort).toEqual({ phase: 'inject', cause: 'error', reason: 'null' });
});

test('a signal becomes an abort by signal, with its reason, in the phase it cut short', async () => {
  const ac = new AbortController();
  const ctx = context(ac.signal);
  const cut: DrillPhase = {
    name: 'failover',
    run: async () => {
      ac.abort(new DrillAborted('SIGTERM received'));
      throw ac.signal.reason;
    },
  };
  await runPhases(ctx, [step('inject'), cut, step('recover')]);
  expect(ctx.state.abort).toEqual({ phase: 'failover', cause: 'signal', reason: 'SIGTERM received' });
  expect(ran).toEqual(['inject']);
});

test('DrillAborted carries its reason', () => {
  const e = new DrillAborted('SIGINT received');
  expect(e).toBeInstanceOf(Error);
  expect({ name: e.name, reason: e.reason, message: e.message }).toEqual({
    name: 'DrillAborted',
    reason: 'SIGINT received',
    message: 'SIGINT received',
  });
});

describe('a guard alarm that ends the fault', () => {
  const guardRun = async (stoppedBy: boolean) => {
    const ac = new AbortController();
    const ctx = context(ac.signal);
    const { prober, stops } = fakeProber();
    ctx.runtime.prober = prober;
    let guardStops = 0;
    ctx.runtime.guard = { stop: async () => void guardStops++ };
    if (stoppedBy) ctx.state.alarms = { results: [], guards: [], stoppedBy: { name: 'g', region: 'r', reason: 'x', seenAt: 1 } };
    const cut: DrillPhase = {
      name: 'failover',
      run: async () => {
        ac.abort(new GuardAlarmStop('guard alarm g (r) is ALARM'));
        throw ac.signal.reason;
      },
    };
    await runPhases(ctx, [step('inject'), cut, step('recover')]);
    return { ctx, stops, guardStops };
  };

  test('stops the run, not aborts it: the phase it cut short failed', async () => {
    const { ctx, stops, guardStops } = await guardRun(true);
    expect(ctx.state.abort).toBeUndefined();
    expect(ctx.state.stoppedBy).toBe('failover');
    expect(ctx.state.phases.map((p) => [p.name, p.status])).toEqual([
      ['inject', 'passed'],
      ['failover', 'failed'],
    ]);
    expect(ctx.state.phases[1]!.detail).toBe('guard alarm g (r) is ALARM');
    expect(stops).toEqual([{ cancel: true }]);
    expect(guardStops).toBe(1);
  });

  test('without a recorded guard stop, the same signal is an abort', async () => {
    const { ctx } = await guardRun(false);
    expect(ctx.state.abort).toEqual({ phase: 'failover', cause: 'signal', reason: 'guard alarm g (r) is ALARM' });
    expect(ctx.state.stoppedBy).toBeUndefined();
    expect(ctx.state.phases[1]!.status).toBe('aborted');
  });
});

test('the probe loop is stopped gracefully after the phases, and cancelled after an error; its probes are kept in send order', async () => {
  const probe = (seq: number): ProbeRecord => ({
    seq,
    kind: 'edge',
    method: 'GET',
    phase: 'steady',
    sentAt: seq,
    latencyMs: 1,
    status: 200,
  });
  const done = context();
  const graceful = fakeProber([probe(2), probe(0), probe(1)], 4);
  done.runtime.prober = graceful.prober;
  let guardStopped = 0;
  done.runtime.guard = { stop: async () => void guardStopped++ };
  await runPhases(done, [step('preflight')]);
  expect(graceful.stops).toEqual([undefined]);
  expect(guardStopped).toBe(1);
  expect(done.state.probes.map((p) => p.seq)).toEqual([0, 1, 2]);
  expect(done.state.skippedTicks).toBe(4);

  const failed = context();
  const cancelled = fakeProber([probe(1), probe(0)]);
  failed.runtime.prober = cancelled.prober;
  await runPhases(failed, [throwing('steady', new Error('boom'))]);
  expect(cancelled.stops).toEqual([{ cancel: true }]);
  expect(failed.state.probes.map((p) => p.seq)).toEqual([0, 1]);
});

test('without a probe loop the state has no probes', async () => {
  const ctx = context();
  await runPhases(ctx, [step('preflight')]);
  expect(ctx.state.probes).toEqual([]);
  expect(ctx.state.skippedTicks).toBe(0);
});

describe('runDrill', () => {
  const drill = (t: Target, signal = new AbortController().signal) => {
    const written: RunRecord[] = [];
    return runDrill({
      target: t,
      runId: 'run-1',
      settings: DEFAULT_DRILL_SETTINGS,
      progress,
      signal,
      context: { projectVersion: '9.9.9' },
      writeReports: async (r) => void written.push(r),
    }).then((run) => ({ run, written }));
  };

  test('a drill that fails at provision is torn down and reported: the record is written, with the context', async () => {
    const t = target();
    const { run, written } = await drill(t);
    expect(t.calls).toEqual(['preflight', 'provision', 'teardown']);
    expect(written).toEqual([run]);
    expect(run).toMatchObject({ runId: 'run-1', target: 'local', projectVersion: '9.9.9', status: 'aborted' });
    expect(run.abort).toMatchObject({ phase: 'provision', cause: 'error', reason: 'not in these tests' });
    expect(run.phases.map((p) => p.name)).toEqual(['preflight', 'provision', 'teardown', 'report']);
  });

  test('a signal before the start: nothing runs but the teardown, and the run is aborted by the signal', async () => {
    const ac = new AbortController();
    ac.abort(new DrillAborted('SIGINT received'));
    const t = target();
    const { run } = await drill(t, ac.signal);
    expect(t.calls).toEqual([]);
    expect(run.abort).toEqual({ phase: 'preflight', cause: 'signal', reason: 'SIGINT received' });
    expect(run.exitCode).toBe(3);
  });

  test('a usage error in preflight exits 2', async () => {
    const t = target({
      preflight: async () => {
        throw new EdgeFailoverError('usage', 'no such profile');
      },
    });
    const { run } = await drill(t);
    expect(run.abort).toMatchObject({ phase: 'preflight', errorKind: 'usage' });
    expect(run.exitCode).toBe(2);
  });

  test("the run's stopRun ends the run through its signal with the reason given", async () => {
    const t = target({
      provision: async (signal) => {
        ran.push('provision');
        // A phase reaches stopRun through the runtime; here the target stands in for the guard.
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    let stop: ((why: Error) => void) | undefined;
    const preflightOf = t.preflight.bind(t);
    (t as { preflight: Target['preflight'] }).preflight = async (s) => {
      await preflightOf(s);
      setTimeout(() => stop?.(new GuardAlarmStop('guard fired')), 20);
    };
    const original = DRILL_PHASES[0]!.run;
    // The runtime is internal to runDrill: capture it from the context the first phase gets.
    (DRILL_PHASES[0] as { run: DrillPhase['run'] }).run = async (ctx, update) => {
      stop = ctx.runtime.stopRun;
      return original(ctx, update);
    };
    try {
      const { run } = await drill(t);
      expect(run.abort).toMatchObject({ phase: 'provision', cause: 'signal', reason: 'guard fired' });
    } finally {
      (DRILL_PHASES[0] as { run: DrillPhase['run'] }).run = original;
    }
  });
});

/**
 * The drill's phases one at a time, over a hand-made context (no probes, no HTTP): how a phase is
 * recorded; preflight refuses a fault the target cannot inject; inject marks the primary as owing
 * a clear before the call; provision builds the probe loop the settings ask for; recover counts the
 * primary resumed only once clear() returned; teardown says what it did; the report phase shows a
 * verdict that did not pass as a failed step.
 */
import { expect, test } from '@jest/globals';
import { EdgeFailoverError } from '../../core/errors.js';
import { PHASES, type PhaseName } from '../../harness/analysis/timeline.js';
import { CleanupStack } from '../../harness/drill/cleanup.js';
import { inject } from '../../harness/drill/phases/inject.js';
import {
  abortReason,
  endOf,
  recordPhase,
  runPhase,
  secs,
  startOf,
  type DrillContext,
  type DrillPhase,
} from '../../harness/drill/phases/phase.js';
import { preflight } from '../../harness/drill/phases/preflight.js';
import { provision } from '../../harness/drill/phases/provision.js';
import { clearPrimary, recover } from '../../harness/drill/phases/recover.js';
import { collectObservations, runReport } from '../../harness/drill/phases/report.js';
import { registerCleanup, runTeardown } from '../../harness/drill/phases/teardown.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import { DEFAULT_DRILL_SETTINGS, type DrillSettings } from '../../harness/drill/settings.js';
import { observeFailback, observeFailover } from '../../harness/drill/phases/observe.js';
import { steady } from '../../harness/drill/phases/steady.js';
import { createDrillState, type DrillState, type PrimaryState } from '../../harness/drill/state.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import type { ClearOutcome, Endpoints, Target, TargetAlarms } from '../../harness/targets/target.js';
import type { AlarmPlan } from '../../harness/alarms/plan.js';
import { healthyDrill } from '../analysis/timelines.js';
import { HAND_ENDPOINTS, handTarget } from './hand-target.js';

class RecordingProgress implements Progress {
  readonly steps: { name: PhaseName; outcome: PhaseOutcome<unknown> }[] = [];
  readonly updates: string[] = [];
  readonly lines: string[] = [];
  async phase<T>(name: PhaseName, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<PhaseOutcome<T>> {
    const outcome = await work((m) => this.updates.push(m));
    this.steps.push({ name, outcome });
    return outcome;
  }
  log(message: string): void {
    this.lines.push(message);
  }
}

const ENDPOINTS = HAND_ENDPOINTS;
const fakeTarget = handTarget;

function context(target: Target, settings: DrillSettings = DEFAULT_DRILL_SETTINGS, signal = new AbortController().signal) {
  const progress = new RecordingProgress();
  const ctx: DrillContext = {
    target,
    settings,
    state: createDrillState({ runId: 'r', target: 'local', settings, startedAt: Date.now() }),
    progress,
    signal,
    cleanup: new CleanupStack(),
    runtime: {},
  };
  return { ctx, progress };
}

const phase = (name: PhaseName, run: DrillPhase['run']): DrillPhase => ({ name, run });

test('each phase is named as the timeline and the reports know it, in their order, each once', () => {
  const names = [preflight, provision, steady, inject, observeFailover, recover, observeFailback].map((p) => p.name);
  expect(names).toEqual(PHASES.filter((n) => names.includes(n)));
  expect(names).toHaveLength(7);
});

describe('runPhase and recordPhase', () => {
  test('a phase that returns is recorded passed or failed, with its summary, in the order run', async () => {
    const { ctx } = context(fakeTarget());
    expect(
      await runPhase(
        ctx,
        phase('preflight', async () => ({ value: 'next', summary: 'ready' })),
      ),
    ).toBe('next');
    expect(ctx.state.current).toBe('preflight');
    expect(
      await runPhase(
        ctx,
        phase('steady', async () => ({ value: 'stop', failed: true })),
      ),
    ).toBe('stop');
    expect(ctx.state.current).toBe('steady');
    expect(ctx.state.phases.map((p) => ({ name: p.name, status: p.status, detail: p.detail }))).toEqual([
      { name: 'preflight', status: 'passed', detail: 'ready' },
      { name: 'steady', status: 'failed', detail: undefined },
    ]);
    expect(ctx.state.phases[1]).not.toHaveProperty('detail');
  });

  test("a phase's record spans its work: started before, ended after", async () => {
    const { ctx } = context(fakeTarget());
    let ranAt = 0;
    await runPhase(
      ctx,
      phase('inject', async () => {
        await new Promise((r) => setTimeout(r, 20));
        ranAt = Date.now();
        return { value: 'next' };
      }),
    );
    const [rec] = ctx.state.phases;
    expect(rec!.startedAt).toBeLessThanOrEqual(ranAt);
    expect(rec!.endedAt).toBeGreaterThanOrEqual(rec!.startedAt + 15);
    expect(startOf(ctx, 'inject')).toBe(rec!.startedAt);
    expect(endOf(ctx, 'inject')).toBe(rec!.endedAt);
  });

  test('a phase that throws is recorded aborted with the error, and the error goes on', async () => {
    const { ctx } = context(fakeTarget());
    const failing = phase('provision', async () => {
      throw new Error('terraform apply failed');
    });
    await expect(runPhase(ctx, failing)).rejects.toThrow('terraform apply failed');
    expect(ctx.state.phases).toEqual([expect.objectContaining({ name: 'provision', status: 'aborted', detail: 'terraform apply failed' })]);
    expect(ctx.state.phases[0]!.endedAt).toBeGreaterThanOrEqual(ctx.state.phases[0]!.startedAt);
  });

  test('under an aborted signal a phase does not run; it is recorded aborted with the signal reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('SIGINT received'));
    const { ctx } = context(fakeTarget(), DEFAULT_DRILL_SETTINGS, ac.signal);
    let ran = false;
    await expect(
      runPhase(
        ctx,
        phase('inject', async () => ((ran = true), { value: 'next' })),
      ),
    ).rejects.toThrow('SIGINT received');
    expect(ran).toBe(false);
    expect(ctx.state.current).toBe('inject');
    expect(ctx.state.phases).toEqual([expect.objectContaining({ name: 'inject', status: 'aborted', detail: 'SIGINT received' })]);
  });

  test('recordPhase hands the progress step its work and returns the value', async () => {
    const { ctx, progress } = context(fakeTarget());
    const value = await recordPhase(ctx, 'teardown', async (update) => {
      update('step 1');
      return { value: 42, summary: 'done' };
    });
    expect(value).toBe(42);
    expect(progress.updates).toEqual(['step 1']);
    expect(progress.steps.map((s) => s.name)).toEqual(['teardown']);
  });

  test('the start and end asked are those of the phase named, whichever ran before it', async () => {
    const { ctx } = context(fakeTarget());
    await runPhase(
      ctx,
      phase('inject', async () => ({ value: 'next' })),
    );
    await new Promise((r) => setTimeout(r, 5));
    await runPhase(
      ctx,
      phase('recover', async () => ({ value: 'next' })),
    );
    const [inj, rec] = ctx.state.phases;
    expect(rec!.startedAt).toBeGreaterThan(inj!.startedAt);
    expect([startOf(ctx, 'recover'), endOf(ctx, 'recover')]).toEqual([rec!.startedAt, rec!.endedAt]);
    expect([startOf(ctx, 'inject'), endOf(ctx, 'inject')]).toEqual([inj!.startedAt, inj!.endedAt]);
  });

  test('a phase that has not run has no start or end: asking is an error naming it', () => {
    const { ctx } = context(fakeTarget());
    expect(() => startOf(ctx, 'recover')).toThrow('phase recover has not run');
    expect(() => endOf(ctx, 'inject')).toThrow('phase inject has not run');
  });

  test('abortReason: an Error gives its message, a string itself, anything else "aborted"', () => {
    const reason = (r: unknown) => {
      const ac = new AbortController();
      ac.abort(r);
      return abortReason(ac.signal);
    };
    expect(reason(new Error('SIGTERM received'))).toBe('SIGTERM received');
    expect(reason('guard alarm')).toBe('guard alarm');
    expect(reason(17)).toBe('aborted');
  });

  test('secs: milliseconds as seconds with one decimal', () => {
    expect(secs(1234)).toBe('1.2 s');
    expect(secs(0)).toBe('0.0 s');
  });
});

describe('preflight', () => {
  test('a fault the target cannot inject is a usage error naming it and what is allowed; the target is not asked', async () => {
    const target = fakeTarget();
    const { ctx } = context(target, { ...DEFAULT_DRILL_SETTINGS, fault: { kind: 'error', status: 503 } });
    const err = await preflight.run(ctx, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeFailoverError);
    expect(err).toMatchObject({
      kind: 'usage',
      message: 'fault "error:503" is not supported by the local target; allowed: pause, blackhole',
    });
    expect(target.calls).toEqual([]);
  });

  test("a supported fault asks the target's own preflight, with the run's signal", async () => {
    const signals: AbortSignal[] = [];
    const target = fakeTarget({ preflight: async (s) => void signals.push(s) });
    const { ctx } = context(target);
    expect(await preflight.run(ctx, () => undefined)).toEqual({ value: 'next', summary: 'local target ready' });
    expect(signals).toEqual([ctx.signal]);
  });
});

describe('inject', () => {
  test('the primary owes a clear from the moment the call is made, and is faulted once it returns', async () => {
    let during: PrimaryState | undefined;
    const { ctx } = context(fakeTarget());
    const target = fakeTarget({ inject: async () => void (during = ctx.state.primary) });
    const withTarget = { ...ctx, target };
    const out = await inject.run(withTarget, () => undefined);
    expect(during).toBe('fault-requested');
    expect(ctx.state.primary).toBe('faulted');
    expect(out.value).toBe('next');
    expect(out.summary).toMatch(/^pause in effect \(\d+\.\d s\)$/);
    expect(inject.changesWorld).toBe(true);
  });

  test("the fault asked is the settings' fault, of the primary, under the run's signal; its time is the time the call took", async () => {
    const asked: unknown[] = [];
    const target = fakeTarget({
      inject: async (role, fault, signal) => {
        asked.push([role, fault, signal]);
        await new Promise((r) => setTimeout(r, 30));
      },
    });
    const settings: DrillSettings = { ...DEFAULT_DRILL_SETTINGS, fault: { kind: 'blackhole' } };
    const { ctx } = context(target, settings);
    const t0 = performance.now();
    const out = await inject.run(ctx, () => undefined);
    const elapsed = (performance.now() - t0) / 1000;
    expect(asked).toEqual([['primary', { kind: 'blackhole' }, ctx.signal]]);
    const seconds = Number(/^blackhole in effect \((\d+\.\d) s\)$/.exec(out.summary!)![1]);
    expect(seconds).toBeLessThanOrEqual(elapsed + 0.05);
    // No alarm phase: no guard watch.
    expect(ctx.runtime.guard).toBeUndefined();
  });

  test('with an alarm phase, the alarms found are in the summary, and a guard firing while faulted stops the run with why', async () => {
    const faulted = { now: false };
    const alarms: TargetAlarms = {
      namePrefix: 'ef',
      describe: async (names) =>
        names.map((name) => ({
          name,
          region: 'us-east-1',
          state: name === 'ef-viewers-see-errors' && faulted.now ? 'ALARM' : 'OK',
          alarmActions: [],
          okActions: [],
        })),
      history: async () => [],
    };
    const target = fakeTarget({ inject: async () => void (faulted.now = true) });
    Object.assign(target, { alarms });
    const plan: AlarmPlan = {
      mode: 'assert',
      pollIntervalSeconds: 0.01,
      publishingAllowanceSeconds: 0,
      alarms: [],
      guards: { kinds: ['viewers-see-errors'], names: [] },
      addsAtMostSeconds: 0,
      secondaryDirectRateCapHz: 0.18,
    };
    const { ctx } = context(target, { ...DEFAULT_DRILL_SETTINGS, alarms: plan });
    const stops: Error[] = [];
    ctx.runtime.stopRun = (why) => void stops.push(why);
    const out = await inject.run(ctx, () => undefined);
    expect(out.summary).toMatch(/^pause in effect \(\d+\.\d s\); alarms found: ; guards: ef-viewers-see-errors$/);
    for (let i = 0; i < 200 && stops.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await ctx.runtime.guard!.stop();
    expect(stops.map((e) => e.message)).toEqual([expect.stringMatching(/^guard alarm ef-viewers-see-errors \(us-east-1\) is ALARM/)]);
  });

  test('an inject that throws leaves the primary owing a clear', async () => {
    const target = fakeTarget({
      inject: async () => {
        throw new Error('pause-service timed out');
      },
    });
    const { ctx } = context(target);
    await expect(inject.run(ctx, () => undefined)).rejects.toThrow('pause-service timed out');
    expect(ctx.state.primary).toBe('fault-requested');
  });
});

describe('provision', () => {
  const WRITE_ROUTER = { switchDelaySeconds: 1, switchDelayBasis: 'modelled' };
  const withRouter = { ...ENDPOINTS, writePath: '/api', writeRouter: WRITE_ROUTER };

  test('the endpoints are recorded and announced; the probe loop follows the settings, its connect timeout within the request timeout', async () => {
    const announced: Endpoints[] = [];
    const settings: DrillSettings = {
      ...DEFAULT_DRILL_SETTINGS,
      probe: { ...DEFAULT_DRILL_SETTINGS.probe, rateHz: 7, directRateHz: 3, timeoutMs: 500, connectTimeoutMs: 2000, path: '/health' },
    };
    const { ctx } = context(fakeTarget(), settings);
    const out = await provision.run({ ...ctx, onEndpoints: (e) => announced.push(e) }, () => undefined);
    expect(ctx.state.endpoints).toBe(ENDPOINTS);
    expect(announced).toEqual([ENDPOINTS]);
    const prober = ctx.runtime.prober!;
    expect({
      rate: prober.rateHz,
      direct: prober.directRateHz,
      timeout: prober.timeoutMs,
      connect: prober.connectTimeoutMs,
      path: prober.path,
    }).toEqual({
      rate: 7,
      direct: 3,
      timeout: 500,
      connect: 500,
      path: '/health',
    });
    expect(ctx.runtime.live).toBeDefined();
    expect(ctx.state.routesWrites).toBe(false);
    expect(out.summary).toMatch(new RegExp(`^edge ${ENDPOINTS.edgeUrl} \\(\\d+\\.\\d s\\); `));
    expect(out.summary).toContain(ctx.state.failoverThreshold.text);
    expect(provision.changesWorld).toBe(true);
  });

  test('a connect timeout below the request timeout is kept', async () => {
    const { ctx } = context(fakeTarget(), {
      ...DEFAULT_DRILL_SETTINGS,
      probe: { ...DEFAULT_DRILL_SETTINGS.probe, timeoutMs: 3000, connectTimeoutMs: 700 },
    });
    await provision.run(ctx, () => undefined);
    expect(ctx.runtime.prober!.connectTimeoutMs).toBe(700);
  });

  test('probes are stamped with the phase running when they are sent', async () => {
    const { ctx } = context(fakeTarget());
    await provision.run(ctx, () => undefined);
    ctx.state.current = 'failover';
    // The prober reads the phase through the callback it was given.
    const props = (ctx.runtime.prober as unknown as { props: { phase: () => PhaseName } }).props;
    expect(props.phase()).toBe('failover');
  });

  test.each([
    ['write probes, a router, a target that switches', 5, true, true, true],
    ['no write probes', 0, true, true, false],
    ['no router on the stack', 5, false, true, false],
    ['a target that cannot switch', 5, true, false, false],
  ])('writes follow the router only with all three: %s', async (_what, writeRateHz, router, switches, routes) => {
    const target = fakeTarget({
      // A stack with write paths but without the router still has a write path to probe.
      provision: async () => (router ? withRouter : { ...ENDPOINTS, writePath: '/api' }),
      ...(switches ? { switchWrites: async () => undefined } : {}),
    });
    const { ctx } = context(target, { ...DEFAULT_DRILL_SETTINGS, probe: { ...DEFAULT_DRILL_SETTINGS.probe, writeRateHz } });
    await provision.run(ctx, () => undefined);
    expect(ctx.state.routesWrites).toBe(routes);
  });

  test('a negative control says no failover is expected, and why', async () => {
    const { ctx } = context(fakeTarget(), { ...DEFAULT_DRILL_SETTINGS, expect: 'no-failover' });
    const out = await provision.run(ctx, () => undefined);
    expect(out.summary).toContain(`; no failover expected (a negative control): ${ctx.state.expectedFailover.basis}`);
    expect(out.summary).not.toContain(ctx.state.failoverThreshold.text);
  });
});

describe('recover and clearPrimary', () => {
  const cleared = async (outcome: void | ClearOutcome, primary: PrimaryState = 'faulted') => {
    const { ctx } = context(fakeTarget({ clear: async () => outcome }));
    ctx.state.primary = primary;
    const detail = await clearPrimary(ctx.target, ctx.state, ctx.signal);
    return { detail, primary: ctx.state.primary };
  };

  test('a clear that returns nothing restored the primary', async () => {
    expect(await cleared(undefined)).toEqual({ detail: 'primary restored', primary: 'restored' });
  });

  test('a clear that says it restored the primary, in its own words', async () => {
    expect(await cleared({ restored: true, detail: 'resumed in 3 s' })).toEqual({ detail: 'resumed in 3 s', primary: 'restored' });
    expect(await cleared({ restored: true })).toEqual({ detail: 'primary restored', primary: 'restored' });
  });

  test('a clear that found nothing of this run to undo does not count as a resume', async () => {
    expect(await cleared({ restored: false })).toEqual({
      detail: 'the primary had no fault of this run to clear',
      primary: 'nothing-to-clear',
    });
    expect(await cleared({ restored: false, detail: 'nothing paused' })).toEqual({ detail: 'nothing paused', primary: 'nothing-to-clear' });
  });

  test('a clear that throws leaves the primary as it was', async () => {
    const { ctx } = context(
      fakeTarget({
        clear: async () => {
          throw new Error('resume-service failed');
        },
      }),
    );
    ctx.state.primary = 'faulted';
    await expect(clearPrimary(ctx.target, ctx.state, ctx.signal)).rejects.toThrow('resume-service failed');
    expect(ctx.state.primary).toBe('faulted');
  });

  test("the clear is asked of the primary, with the run's signal", async () => {
    const asked: [string, AbortSignal][] = [];
    const { ctx } = context(fakeTarget({ clear: async (role, signal) => void asked.push([role, signal]) }));
    await clearPrimary(ctx.target, ctx.state, ctx.signal);
    expect(asked).toEqual([['primary', ctx.signal]]);
  });

  test('recover without a guard watch (no alarm phase) clears all the same; its time is the time the clear took', async () => {
    const target = fakeTarget({ clear: async () => void (await new Promise((r) => setTimeout(r, 30))) });
    const { ctx } = context(target);
    ctx.state.primary = 'faulted';
    const t0 = performance.now();
    const out = await recover.run(ctx, () => undefined);
    const elapsed = (performance.now() - t0) / 1000;
    expect(ctx.state.primary).toBe('restored');
    const seconds = Number(/\((\d+\.\d) s\)$/.exec(out.summary!)![1]);
    expect(seconds).toBeGreaterThanOrEqual(0);
    // One decimal: the printed time may be rounded up by 0.05 s.
    expect(seconds).toBeLessThanOrEqual(elapsed + 0.05);
  });

  test('recover stops the guard alarms before clearing, and times the clear', async () => {
    const order: string[] = [];
    const target = fakeTarget({ clear: async () => void order.push('clear') });
    const { ctx } = context(target);
    ctx.runtime.guard = { stop: async () => void order.push('guard stopped') };
    ctx.state.primary = 'faulted';
    const out = await recover.run(ctx, () => undefined);
    expect(order).toEqual(['guard stopped', 'clear']);
    expect(out).toEqual({ value: 'next', summary: expect.stringMatching(/^primary restored \(\d+\.\d s\)$/) });
    expect(ctx.state.primary).toBe('restored');
  });
});

describe('teardown', () => {
  test('nothing to undo: the resume is skipped and the teardown reported as the world torn down', async () => {
    const { ctx, progress } = context(fakeTarget());
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(ctx.state.cleanup.map((c) => [c.name, c.status])).toEqual([
      ['resume the primary', 'skipped'],
      ['teardown', 'ran'],
    ]);
    expect(ctx.state.teardown).toEqual({ ok: true, detail: 'stopped' });
    expect(ctx.state.phases).toEqual([expect.objectContaining({ name: 'teardown', status: 'passed', detail: 'world torn down' })]);
    expect(progress.updates).toEqual(['teardown']);
  });

  test('a faulted primary is resumed first, then the world torn down', async () => {
    const target = fakeTarget();
    const { ctx, progress } = context(target);
    ctx.state.primary = 'faulted';
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(target.calls).toEqual(['clear', 'teardown']);
    expect(progress.updates).toEqual(['resume the primary', 'teardown']);
    expect(ctx.state.phases[0]!.detail).toBe('primary resumed, world torn down');
  });

  test('a resume that finds nothing to clear says so in its own words, never "resumed"', async () => {
    const target = fakeTarget({ clear: async () => ({ restored: false, detail: 'no pause of this run' }) });
    const { ctx } = context(target);
    ctx.state.primary = 'fault-requested';
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(ctx.state.phases[0]!.detail).toBe('no pause of this run, world torn down');
  });

  test('a teardown that reports not ok fails the phase, saying what is left', async () => {
    const target = fakeTarget({ teardown: async () => ({ ok: false, detail: 'edge :1234 still open' }) });
    const { ctx } = context(target);
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(ctx.state.teardown).toEqual({ ok: false, detail: 'edge :1234 still open' });
    expect(ctx.state.phases).toEqual([
      expect.objectContaining({ name: 'teardown', status: 'failed', detail: 'teardown failed: edge :1234 still open' }),
    ]);
  });

  test('every failure is named, in the order the steps ran', async () => {
    const target = fakeTarget({
      clear: async () => {
        throw new Error('resume refused');
      },
      teardown: async () => ({ ok: false, detail: 'left running' }),
    });
    const { ctx } = context(target);
    ctx.state.primary = 'faulted';
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(ctx.state.phases[0]).toMatchObject({
      status: 'failed',
      detail: 'resume the primary failed: resume refused; teardown failed: left running',
    });
  });

  test('no steps registered: nothing to undo', async () => {
    const { ctx } = context(fakeTarget());
    await runTeardown(ctx);
    expect(ctx.state.phases[0]).toMatchObject({ status: 'passed', detail: 'nothing to undo' });
  });

  test("each step runs under the teardown bound, not the run's signal, which may be aborted already", async () => {
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    let signal: AbortSignal | undefined;
    const target = fakeTarget({
      teardown: async (s) => {
        signal = s;
        await new Promise((r) => setTimeout(r, 300));
        return { ok: true, detail: 'stopped' };
      },
    });
    const { ctx } = context(target, { ...DEFAULT_DRILL_SETTINGS, teardownTimeoutSeconds: 0.1 }, ac.signal);
    registerCleanup(ctx);
    await runTeardown(ctx);
    expect(signal).toBeDefined();
    expect(signal).not.toBe(ac.signal);
    // The bound (0.1 s) passed while the step ran.
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toMatchObject({ name: 'TimeoutError' });
  });

  test('the teardown bound is not shorter than asked', async () => {
    let signal: AbortSignal | undefined;
    const target = fakeTarget({
      teardown: async (s) => {
        signal = s;
        return { ok: true, detail: 'stopped' };
      },
    });
    const { ctx } = context(target, { ...DEFAULT_DRILL_SETTINGS, teardownTimeoutSeconds: 60 });
    registerCleanup(ctx);
    await runTeardown(ctx);
    await new Promise((r) => setTimeout(r, 50));
    expect(signal!.aborted).toBe(false);
  });
});

describe('report', () => {
  const record = async (mutate: (s: DrillState) => void) => {
    const { ctx, progress } = context(fakeTarget());
    const timeline = healthyDrill();
    ctx.state.phases.push(...timeline.phases);
    ctx.state.probes = timeline.probes;
    ctx.state.primary = 'restored';
    ctx.state.teardown = { ok: true, detail: 'stopped' };
    mutate(ctx.state);
    const written: RunRecord[] = [];
    const run = await runReport(ctx, {}, async (r) => void written.push(r));
    return { run, written, progress, state: ctx.state };
  };

  test('the record is written, and the report step shows the first line of the verdict; a pass is not a failed step', async () => {
    const { run, written, progress, state } = await record(() => undefined);
    expect(written).toEqual([run]);
    expect(state.current).toBe('report');
    expect(run.verdict.outcome).toBe('passed');
    const step = progress.steps.find((s) => s.name === 'report')!;
    expect(step.outcome).toEqual({ value: undefined, summary: run.verdict.summary.split('\n')[0], failed: false });
  });

  test('a verdict that did not pass is a failed report step', async () => {
    const { run, progress } = await record((s) => {
      s.abort = { phase: 'recover', cause: 'error', reason: 'boom' };
    });
    expect(run.verdict.outcome).not.toBe('passed');
    expect(progress.steps.find((s) => s.name === 'report')!.outcome.failed).toBe(true);
  });

  test("observations: none without the target's reader; read into the state; a reader that throws is noted", () => {
    const { ctx } = context(fakeTarget());
    collectObservations(ctx);
    expect(ctx.state.observations).toEqual([]);
    const note = { kind: 'note', at: 1, message: 'seen' } as const;
    const reading = context(fakeTarget({ observations: () => [note] }));
    collectObservations(reading.ctx);
    expect(reading.ctx.state.observations).toEqual([note]);
    const broken = context(
      fakeTarget({
        observations: () => {
          throw new Error('describe-alarms failed');
        },
      }),
    );
    collectObservations(broken.ctx);
    expect(broken.ctx.state.observations).toEqual([
      { kind: 'note', at: expect.any(Number), message: "the target's observations could not be read: describe-alarms failed" },
    ]);
  });
});

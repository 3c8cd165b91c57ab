/**
 * The drill's live waits over a hand-fed probe stream: who served an answer when no header says
 * so; the wait for a direct answer; what a wait does on its timeout and on the run's signal; the
 * bounded() wrapper; the write switch's record; and the steady and observe phases built on them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@jest/globals';
import type { PhaseName, ProbeRecord } from '../../harness/analysis/timeline.js';
import { CleanupStack } from '../../harness/drill/cleanup.js';
import { observeFailback, observeFailover } from '../../harness/drill/phases/observe.js';
import type { DrillContext } from '../../harness/drill/phases/phase.js';
import { steady } from '../../harness/drill/phases/steady.js';
import { startSwitchToSecondary, switchBack, switchWritesDuringDrill } from '../../harness/drill/phases/writes.js';
import type { PhaseOutcome, Progress } from '../../harness/drill/progress.js';
import { DEFAULT_DRILL_SETTINGS, type DrillSettings } from '../../harness/drill/settings.js';
import { createDrillState } from '../../harness/drill/state.js';
import { bounded, hold } from '../../harness/drill/wait.js';
import { LiveView, WaitTimeout } from '../../harness/drill/watch.js';
import { switchWrites } from '../../harness/drill/write-switch.js';
import { now, type ProbeListener, type Prober } from '../../harness/probe/prober.js';
import type { Role, Target, TargetAlarms } from '../../harness/targets/target.js';
import { alarmPlan } from './alarm-plan.js';
import { withPace } from '../support/pace.js';

/** A probe stream fed by hand; it keeps what it emitted, as a prober does. */
class Feed {
  private readonly listeners = new Set<ProbeListener>();
  readonly probes: ProbeRecord[] = [];
  started = 0;
  private seq = 0;
  onProbe(l: ProbeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  get listening(): number {
    return this.listeners.size;
  }
  start(): void {
    this.started++;
  }
  emit(p: Partial<ProbeRecord> & Pick<ProbeRecord, 'kind'>): void {
    const r: ProbeRecord = { seq: this.seq++, method: 'GET', phase: 'steady', sentAt: now(), latencyMs: 1, ...p };
    this.probes.push(r);
    for (const l of [...this.listeners]) l(r);
  }
  edge(status: number | undefined, servedByHeader?: string, extra: Partial<ProbeRecord> = {}): void {
    this.emit({ kind: 'edge', status, servedByHeader, ...extra });
  }
  direct(origin: Role, status: number | undefined, extra: Partial<ProbeRecord> = {}): void {
    this.emit({ kind: 'direct', origin, status, ...extra });
  }
  write(status: number, servedByHeader: string, extra: Partial<ProbeRecord> = {}): void {
    this.emit({ kind: 'write', method: 'POST', status, servedByHeader, ...extra });
  }
}

const open = () => new AbortController().signal;

/** Runs `fn` every `every` ms, as a prober keeps probing; returns what stops it. */
const feeding = (fn: () => void, every = 5) => {
  const timer = setInterval(fn, every);
  return () => clearInterval(timer);
};

describe('LiveView', () => {
  test('attribution without a header: the primary while it answers directly, the secondary only when the primary does not and it does', () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const ok = { seq: 0, kind: 'edge', method: 'GET', phase: 'steady', sentAt: 0, latencyMs: 1, status: 200 } as const;
    expect(live.servedBy(ok)).toBeUndefined();
    feed.direct('secondary', 200);
    expect(live.servedBy(ok)).toBeUndefined();
    feed.direct('primary', 200);
    expect(live.servedBy(ok)).toBe('primary');
    feed.direct('primary', 503);
    expect(live.servedBy(ok)).toBe('secondary');
    feed.direct('secondary', 503);
    expect(live.servedBy(ok)).toBeUndefined();
    // A cancelled direct probe says nothing about the origin.
    feed.direct('primary', undefined, { cancelled: true, error: 'cancelled' });
    feed.direct('secondary', 200);
    expect(live.servedBy(ok)).toBe('secondary');
    // The header wins; a failure is nobody's answer.
    expect(live.servedBy({ ...ok, servedByHeader: 'primary/us-east-1' })).toBe('primary');
    expect(live.servedBy({ ...ok, status: 502, servedByHeader: 'primary/us-east-1' })).toBeUndefined();
  });

  test('cancelled edge probes and other kinds are not counted; each tally is reported as it changes', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const tallies: unknown[] = [];
    const wait = live.consecutive('primary', 2, { since: 0, timeoutMs: 5000, signal: open(), onTally: (t) => tallies.push(t) });
    feed.edge(200, 'primary/us-east-1', { cancelled: true });
    feed.direct('primary', 200);
    feed.write(201, 'primary/us-east-1');
    feed.edge(200, 'primary/us-east-1');
    feed.edge(200, 'primary/us-east-1');
    await expect(wait).resolves.toEqual({ total: 2, byRole: { primary: 2, secondary: 0 }, errors: 0, run: 2 });
    expect(tallies).toEqual([
      { total: 1, byRole: { primary: 1, secondary: 0 }, errors: 0, run: 1 },
      { total: 2, byRole: { primary: 2, secondary: 0 }, errors: 0, run: 2 },
    ]);
    // The wait let go of the stream.
    expect(feed.listening).toBe(1);
  });

  test('answered: edge GETs sent at or after since, whatever they got; cancelled ones, writes and direct probes are not counted', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const counts: number[] = [];
    const since = now();
    const wait = live.answered(3, { since, timeoutMs: 5000, signal: open(), onCount: (n) => counts.push(n) });
    feed.edge(200, 'primary/us-east-1', { sentAt: since - 1 });
    feed.edge(404, 'primary/us-east-1', { cancelled: true });
    feed.direct('primary', 200);
    feed.write(201, 'primary/us-east-1');
    feed.edge(404, 'primary/us-east-1');
    feed.edge(undefined, undefined, { error: 'timeout' });
    feed.edge(503);
    await expect(wait).resolves.toBe(3);
    expect(counts).toEqual([1, 2, 3]);
    expect(feed.listening).toBe(1);
  });

  test('a direct answer: the first 2xx of that origin sent at or after since', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const since = now();
    const wait = live.directAnswer('secondary', { since, timeoutMs: 5000, signal: open() });
    feed.direct('secondary', 200, { sentAt: since - 1 });
    feed.direct('primary', 200);
    feed.direct('secondary', 200, { cancelled: true });
    feed.edge(200, 'secondary/us-west-2');
    feed.direct('secondary', 503);
    feed.direct('secondary', 200, { sentAt: since + 5 });
    await expect(wait).resolves.toMatchObject({ kind: 'direct', origin: 'secondary', status: 200, sentAt: since + 5 });
  });

  test('a direct answer that never comes: the timeout says how many were seen and the last one', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const none = live.directAnswer('primary', { since: 0, timeoutMs: 30, signal: open() });
    await expect(none).rejects.toThrow(new WaitTimeout('no direct probe of the primary completed within 0.03 s'));
    const failing = live.directAnswer('primary', { since: 0, timeoutMs: 50, signal: open() });
    feed.direct('primary', 503);
    feed.direct('primary', undefined, { error: 'ECONNREFUSED' });
    await expect(failing).rejects.toThrow('the primary did not answer 2 direct probes within 0.05 s (last: ECONNREFUSED)');
    const silent = live.directAnswer('primary', { since: 0, timeoutMs: 30, signal: open() });
    feed.direct('primary', undefined);
    await expect(silent).rejects.toThrow('(last: no response)');
    const status = live.directAnswer('primary', { since: 0, timeoutMs: 30, signal: open() });
    feed.direct('primary', 404);
    await expect(status).rejects.toThrow('the primary did not answer 1 direct probes within 0.03 s (last: status 404)');
    expect(feed.listening).toBe(1);
  });

  test('WaitTimeout is an Error of its own name', () => {
    const e = new WaitTimeout('late');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message]).toEqual(['WaitTimeout', 'late']);
  });

  test("the run's signal rejects a wait with its reason, at once, and the wait lets go of the stream", async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const ac = new AbortController();
    const wait = live.consecutive('primary', 3, { since: 0, timeoutMs: 60_000, signal: ac.signal });
    const reason = new Error('SIGINT');
    ac.abort(reason);
    await expect(wait).rejects.toBe(reason);
    expect(feed.listening).toBe(1);
    // Probes after the abort change nothing.
    feed.edge(200, 'primary/us-east-1');
    const already = live.directAnswer('primary', { since: 0, timeoutMs: 60_000, signal: ac.signal });
    await expect(already).rejects.toBe(reason);
    expect(feed.listening).toBe(1);
  });

  test('an answer after the timeout changes nothing: the wait has settled and let go', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const ac = new AbortController();
    const wait = live.consecutive('primary', 1, { since: 0, timeoutMs: 20, signal: ac.signal });
    await expect(wait).rejects.toThrow(WaitTimeout);
    expect(feed.listening).toBe(1);
    ac.abort(new Error('late abort'));
    feed.edge(200, 'primary/us-east-1');
  });

  test('the timeout is not shorter than asked', async () => {
    const feed = new Feed();
    const live = new LiveView(feed);
    const t0 = performance.now();
    await expect(live.consecutive('primary', 1, { since: 0, timeoutMs: 60, signal: open() })).rejects.toThrow(WaitTimeout);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
  });
});

describe('bounded', () => {
  test('a wait that resolves gives its value; one that times out gives its reason', async () => {
    expect(await bounded(open(), async () => 7)).toEqual({ ok: true, value: 7 });
    expect(
      await bounded(open(), async () => {
        throw new WaitTimeout('not within 1 s');
      }),
    ).toEqual({ ok: false, reason: 'not within 1 s' });
  });

  test('any other error goes on', async () => {
    await expect(
      bounded(open(), async () => {
        throw new Error('socket hang up');
      }),
    ).rejects.toThrow('socket hang up');
  });

  test('the waits get a signal that follows the run and is aborted once they settle', async () => {
    const ac = new AbortController();
    let given: AbortSignal | undefined;
    await bounded(ac.signal, async (s) => {
      given = s;
      expect(s.aborted).toBe(false);
    });
    expect(given!.aborted).toBe(true);
    expect(ac.signal.aborted).toBe(false);
    const run = new AbortController();
    const pending = bounded(run.signal, (s) => new Promise((_r, reject) => s.addEventListener('abort', () => reject(s.reason))));
    run.abort(new Error('SIGTERM'));
    await expect(pending).rejects.toThrow('SIGTERM');
  });
});

function writeTarget(calls: string[] = []): Target {
  return { name: 'local', switchWrites: async (to: Role) => void calls.push(`switch ${to}`) } as unknown as Target;
}

describe('switchWrites', () => {
  test('a target that cannot switch writes is refused, naming it', async () => {
    const target = { name: 'aws' } as unknown as Target;
    await expect(
      switchWrites({
        target,
        prober: new Feed() as unknown as Prober,
        to: 'secondary',
        since: now(),
        delaySeconds: 0,
        delayBasis: 'x',
        timeoutMs: 10,
        signal: open(),
      }),
    ).rejects.toThrow('the aws target cannot switch writes');
  });

  test('the switch is observed at the first 2xx write from the new region sent after it was requested', async () => {
    const feed = new Feed();
    const calls: string[] = [];
    const before = now();
    feed.write(201, 'secondary/us-west-2', { sentAt: before - 10 });
    setTimeout(() => {
      feed.write(502, 'secondary/us-west-2');
      feed.write(201, 'primary/us-east-1');
      feed.write(201, 'secondary/us-west-2', { latencyMs: 7 });
      feed.write(201, 'secondary/us-west-2', { latencyMs: 1 });
    }, 30);
    const record = await switchWrites({
      target: writeTarget(calls),
      prober: feed as unknown as Prober,
      to: 'secondary',
      since: before,
      delaySeconds: 0,
      delayBasis: 'given',
      timeoutMs: 5000,
      signal: open(),
    });
    const seen = feed.probes[3]!;
    expect(calls).toEqual(['switch secondary']);
    expect(record).toEqual({
      to: 'secondary',
      requestedAt: record.requestedAt,
      observedAt: seen.sentAt + 7,
      delaySeconds: 0,
      delayBasis: 'given',
    });
    expect(record.requestedAt).toBeGreaterThanOrEqual(before);
  });

  test('a switch never observed is recorded without observedAt, after the bound and not before it', async () => {
    const feed = new Feed();
    const t0 = now();
    const record = await switchWrites({
      target: writeTarget(),
      prober: feed as unknown as Prober,
      to: 'primary',
      since: t0,
      delaySeconds: 0,
      delayBasis: 'by hand',
      timeoutMs: 120,
      signal: open(),
      tickMs: 40,
    });
    expect(record).toEqual({ to: 'primary', requestedAt: record.requestedAt, delaySeconds: 0, delayBasis: 'by hand' });
    expect(now() - record.requestedAt).toBeGreaterThanOrEqual(120);
  });

  test('the switch waits out its delay from since, not from the call', async () => {
    const calls: string[] = [];
    const since = now() - 100;
    const feed = new Feed();
    setTimeout(() => feed.write(201, 'secondary/us-west-2'), 150);
    const record = await switchWrites({
      target: writeTarget(calls),
      prober: feed as unknown as Prober,
      to: 'secondary',
      since,
      delaySeconds: 0.15,
      delayBasis: 'modelled',
      timeoutMs: 5000,
      signal: open(),
    });
    expect(record.requestedAt - since).toBeGreaterThanOrEqual(150);
    expect(record.requestedAt - since).toBeLessThan(150 + (now() - since));
  });
});

const progressOf = (lines: string[]): Progress => ({
  phase: async <T>(_n: PhaseName, work: (u: (m: string) => void) => Promise<PhaseOutcome<T>>) => work(() => undefined),
  log: (m) => void lines.push(m),
});

function drillContext(settings: DrillSettings, feed: Feed, target: Target = writeTarget()) {
  const lines: string[] = [];
  const ctx: DrillContext = {
    target,
    settings,
    state: createDrillState({ runId: 'r', target: 'local', settings, startedAt: Date.now() }),
    progress: progressOf(lines),
    signal: open(),
    cleanup: new CleanupStack(),
    runtime: { prober: feed as unknown as Prober, live: new LiveView(feed) },
  };
  return { ctx, lines };
}

const ROUTER = { switchDelaySeconds: 0.05, switchDelayBasis: 'modelled: test' };
const FAST: DrillSettings = {
  ...DEFAULT_DRILL_SETTINGS,
  thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, steadyProbes: 2 },
  steadyTimeoutSeconds: 0.2,
  observeTimeoutSeconds: 0.2,
  holdSeconds: 0.05,
};
/**
 * FAST for the tests that expect the wait to succeed: the phase returns as soon as it sees what it
 * waits for, so a long timeout costs nothing, and a loaded machine that stalls this process past
 * 0.2 s cannot fail a test that is not about the timeout.
 */
const PATIENT: DrillSettings = { ...FAST, steadyTimeoutSeconds: 30, observeTimeoutSeconds: 30 };

describe('the write switch in a drill', () => {
  const routed = (settings: DrillSettings = FAST) => {
    const feed = new Feed();
    const calls: string[] = [];
    const c = drillContext(settings, feed, writeTarget(calls));
    c.ctx.state.routesWrites = true;
    c.ctx.state.endpoints = { writeRouter: ROUTER } as never;
    c.ctx.state.phases.push({ name: 'inject', startedAt: now(), endedAt: now(), status: 'passed' });
    return { ...c, feed, calls };
  };

  test('not routed: no switch either way', async () => {
    const { ctx, calls } = routed();
    ctx.state.routesWrites = false;
    expect(startSwitchToSecondary(ctx)).toBeUndefined();
    await switchBack(ctx);
    expect(calls).toEqual([]);
    const noRouter = routed();
    noRouter.ctx.state.endpoints = {} as never;
    expect(startSwitchToSecondary(noRouter.ctx)).toBeUndefined();
  });

  test("the switch to the secondary counts the router's delay from the injection, and is recorded and told", async () => {
    const { ctx, feed, calls, lines } = routed();
    setTimeout(() => feed.write(201, 'secondary/us-west-2'), 80);
    const record = await startSwitchToSecondary(ctx)!;
    expect(calls).toEqual(['switch secondary']);
    expect(record).toMatchObject({ to: 'secondary', delaySeconds: 0.05, delayBasis: 'modelled: test' });
    expect(record.requestedAt - ctx.state.phases[0]!.startedAt).toBeGreaterThanOrEqual(50);
    expect(ctx.state.writeSwitches).toEqual([record]);
    expect(lines.at(-1)).toMatch(/^writes: served by the secondary \d+\.\d s after the switch$/);
    expect(lines.slice(0, -1).every((l) => l.startsWith('writes: '))).toBe(true);
  });

  test('a given delay wins over the modelled one, and says so', async () => {
    const { ctx, feed } = routed({ ...FAST, writes: { switchDelaySeconds: 0 } });
    setTimeout(() => feed.write(201, 'secondary/us-west-2'), 20);
    expect(await startSwitchToSecondary(ctx)!).toMatchObject({ delaySeconds: 0, delayBasis: 'given: --write-switch-delay' });
  });

  test('a switch never observed is told with the bound', async () => {
    const { ctx, lines } = routed();
    const record = await switchWritesDuringDrill(ctx, 'primary', now(), 0, 'by hand');
    expect(record.observedAt).toBeUndefined();
    expect(lines.at(-1)).toBe('writes: no write served by the primary within 0.2 s of the switch');
  });

  test('the switch back is at once, by hand', async () => {
    const { ctx, feed, calls } = routed();
    setTimeout(() => feed.write(201, 'primary/us-east-1'), 10);
    await switchBack(ctx);
    expect(calls).toEqual(['switch primary']);
    expect(ctx.state.writeSwitches).toEqual([
      expect.objectContaining({ to: 'primary', delaySeconds: 0, delayBasis: 'by hand: once the primary serves again' }),
    ]);
  });
});

describe('steady and observe', () => {
  test('steady starts the probes and passes once both origins answer and the primary serves N in a row', async () => {
    const feed = new Feed();
    const { ctx } = drillContext(PATIENT, feed);
    const updates: string[] = [];
    const stop = feeding(() => {
      feed.direct('primary', 200);
      feed.direct('secondary', 200);
      feed.edge(200, 'primary/us-east-1');
    });
    const out = await steady.run(ctx, (m) => void updates.push(m)).finally(stop);
    expect(feed.started).toBe(1);
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(/^both origins answer; 2 consecutive edge GETs from the primary \(\d+\.\d s\)$/),
    });
    expect(updates[0]).toBe('1/2 consecutive from the primary (0 from the secondary, 0 errors)');
  });

  test('steady never reached stops the drill, failed, saying what was missing', async () => {
    const feed = new Feed();
    const { ctx } = drillContext(FAST, feed);
    const stop = feeding(() => {
      feed.direct('primary', 200);
      feed.edge(200, 'primary/us-east-1');
    });
    const out = await steady.run(ctx, () => undefined).finally(stop);
    expect(out).toEqual({ value: 'stop', failed: true, summary: 'no direct probe of the secondary completed within 0.2 s' });
  });

  const faulted = (settings: DrillSettings, feed: Feed) => {
    const c = drillContext(settings, feed);
    const t = now();
    c.ctx.state.phases.push({ name: 'inject', startedAt: t - 30, endedAt: t, status: 'passed' });
    c.ctx.state.phases.push({ name: 'recover', startedAt: t - 30, endedAt: t, status: 'passed' });
    return c;
  };

  test('failover observed: N from the secondary, then held for --hold from when the fault was in effect', async () => {
    const feed = new Feed();
    const { ctx } = faulted(PATIENT, feed);
    const updates: string[] = [];
    const stop = feeding(() => feed.edge(200, 'secondary/us-west-2'));
    const out = await observeFailover.run(ctx, (m) => void updates.push(m)).finally(stop);
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(/^2 consecutive edge GETs from the secondary \d+\.\d s after injection$/),
    });
    expect(now() - ctx.state.phases[0]!.endedAt).toBeGreaterThanOrEqual(FAST.holdSeconds * 1000);
    expect(updates[0]).toBe('1/2 consecutive from the secondary (0 errors)');
  });

  test('a --hold still running when the switch is seen is logged whole, with what is left of it; one already over is not', async () => {
    for (const [phase, header, holdSeconds, held] of [
      [observeFailover, 'secondary/us-west-2', 0.5, /^2\/2 from the secondary: holding the outage 0\.[1-5] s more \(--hold 0\.5 s\)$/],
      [observeFailback, 'primary/us-east-1', 0.5, /^2\/2 from the primary: holding the restored state 0\.[1-5] s more \(--hold 0\.5 s\)$/],
      [observeFailover, 'secondary/us-west-2', 0, undefined],
    ] as const) {
      const feed = new Feed();
      const { ctx, lines } = faulted({ ...PATIENT, holdSeconds }, feed);
      const stop = feeding(() => feed.edge(200, header));
      await phase.run(ctx, () => undefined).finally(stop);
      const holding = lines.filter((l) => l.includes('holding'));
      if (held) expect(holding).toEqual([expect.stringMatching(held)]);
      else expect(holding).toEqual([]);
    }
  });

  test('failback observed: N from the primary, counted after recovery began', async () => {
    const feed = new Feed();
    const { ctx } = faulted(PATIENT, feed);
    const stop = feeding(() => feed.edge(200, 'primary/us-east-1'));
    const out = await observeFailback.run(ctx, () => undefined).finally(stop);
    expect(out.summary).toMatch(/^2 consecutive edge GETs from the primary \d+\.\d s after recovery began$/);
  });

  test('a failover not seen fails the phase without ending the drill, and nothing is held', async () => {
    const feed = new Feed();
    const { ctx } = faulted({ ...FAST, holdSeconds: 30 }, feed);
    const stop = feeding(() => feed.edge(502));
    const out = await observeFailover.run(ctx, () => undefined).finally(stop);
    expect(out).toEqual({
      value: 'next',
      failed: true,
      summary: expect.stringMatching(/^no 2 consecutive 2xx edge GETs from the secondary within 0\.2 s/),
    });
  });

  test('a negative control holds the outage for --hold, a slow fault its delay longer, while GETs are answered at once', async () => {
    const feed = new Feed();
    const { ctx } = faulted({ ...PATIENT, expect: 'no-failover', fault: { kind: 'slow', ms: 60 } }, feed);
    const updates: string[] = [];
    const stop = feeding(() => feed.edge(200, 'primary/us-east-1'));
    const out = await observeFailover.run(ctx, (m) => void updates.push(m)).finally(stop);
    expect(updates[0]).toBe('holding the outage 0.11 s and until 2 edge GETs are answered: no failover expected');
    expect(now() - ctx.state.phases[0]!.endedAt).toBeGreaterThanOrEqual(110);
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(/^held the outage \d+\.\d s after injection \(no failover expected\)$/),
    });
  });

  test('a negative control holds the outage past --hold until N edge GETs sent after the fault was in effect are answered, whatever they got', async () => {
    const feed = new Feed();
    const { ctx } = faulted({ ...PATIENT, expect: 'no-failover', holdSeconds: 0 }, feed);
    const inEffect = ctx.state.phases[0]!.endedAt;
    let over = false;
    const running = observeFailover.run(ctx, () => undefined).then((out) => ((over = true), out));
    await sleep(100);
    feed.edge(404, 'primary/us-east-1', { sentAt: inEffect - 1 }); // sent before the fault was in effect: not counted
    feed.edge(undefined, undefined, { error: 'timeout' }); // a GET that timed out: what a viewer met, counted
    await sleep(100);
    expect(over).toBe(false);
    feed.edge(404, 'primary/us-east-1');
    const out = await running;
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(/^held the outage \d+\.\d s after injection \(no failover expected\)$/),
    });
  });

  test('a negative control whose GETs are not answered within --observe-timeout ends then, unfailed, saying what it lacked', async () => {
    const feed = new Feed();
    const { ctx } = faulted({ ...FAST, expect: 'no-failover' }, feed);
    const listening = feed.listening;
    const started = now();
    const out = await observeFailover.run(ctx, () => undefined);
    expect(now() - started).toBeGreaterThanOrEqual(FAST.observeTimeoutSeconds * 1000);
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(
        /^held the outage \d+\.\d s after injection \(no failover expected\); only 0 of 2 edge GETs sent after the fault was in effect were answered within 0\.2 s$/,
      ),
    });
    expect(feed.listening).toBe(listening); // the wait let go of the stream
  });

  test('with the write router, the failover summary says when writes switched', async () => {
    const feed = new Feed();
    const { ctx } = faulted(PATIENT, feed);
    ctx.state.routesWrites = true;
    ctx.state.endpoints = { writeRouter: { switchDelaySeconds: 0, switchDelayBasis: 'm' } } as never;
    const stop = feeding(() => {
      feed.edge(200, 'secondary/us-west-2');
      feed.write(201, 'secondary/us-west-2');
    });
    const out = await observeFailover.run(ctx, () => undefined).finally(stop);
    expect(out.summary).toMatch(
      /^2 consecutive edge GETs from the secondary \d+\.\d s after injection; writes switched \d+\.\d s after injection$/,
    );
  });
});

/** The seconds a summary or log line gives before `marker` ("1.2 s after injection"). */
function secondsIn(text: string, marker: string): number {
  const m = new RegExp(`(\\d+\\.\\d) s ${marker}`).exec(text);
  if (!m) throw new Error(`no time before "${marker}" in: ${text}`);
  return Number(m[1]);
}

/** A time printed to one decimal lies within [lo, hi] ms, give or take the rounding. */
function within(seconds: number, loMs: number, hiMs: number): boolean {
  return seconds >= loMs / 1000 - 0.05 && seconds <= hiMs / 1000 + 0.05;
}

describe('the times the phases report', () => {
  test("steady's time is the time it took, no more", async () => {
    const feed = new Feed();
    const { ctx } = drillContext(PATIENT, feed);
    const stop = feeding(() => {
      feed.direct('primary', 200);
      feed.direct('secondary', 200);
      feed.edge(200, 'primary/us-east-1');
    });
    const before = now();
    const out = await steady.run(ctx, () => undefined).finally(stop);
    const after = now();
    const m = /\((\d+\.\d) s\)$/.exec(out.summary!)!;
    expect(within(Number(m[1]), 0, after - before)).toBe(true);
  });

  test('the failover and failback times count from the start of the inject (recover) phase to when the switch was seen', async () => {
    for (const [phase, header, since] of [
      [observeFailover, 'secondary/us-west-2', 'after injection'],
      [observeFailback, 'primary/us-east-1', 'after recovery began'],
    ] as const) {
      const feed = new Feed();
      const { ctx } = drillContext(PATIENT, feed);
      const from = now() - 400;
      ctx.state.phases.push({ name: 'inject', startedAt: from, endedAt: from + 10, status: 'passed' });
      ctx.state.phases.push({ name: 'recover', startedAt: from, endedAt: from + 10, status: 'passed' });
      const stop = feeding(() => feed.edge(200, header));
      const before = now();
      const out = await phase.run(ctx, () => undefined).finally(stop);
      const after = now();
      expect({ since, ok: within(secondsIn(out.summary!, since), before - from, after - from) }).toEqual({ since, ok: true });
    }
  });

  test("a negative control's time is the outage held, from the injection", async () => {
    const feed = new Feed();
    const { ctx } = drillContext({ ...FAST, expect: 'no-failover' }, feed);
    const from = now() - 300;
    ctx.state.phases.push({ name: 'inject', startedAt: from, endedAt: from + 10, status: 'passed' });
    const before = now();
    const out = await observeFailover.run(ctx, () => undefined);
    const after = now();
    expect(within(secondsIn(out.summary!, 'after injection'), before - from, after - from)).toBe(true);
  });
});

describe('observe with the write router', () => {
  const routedFaulted = () => {
    const feed = new Feed();
    const calls: string[] = [];
    const c = drillContext(FAST, feed, writeTarget(calls));
    c.ctx.state.routesWrites = true;
    c.ctx.state.endpoints = { writeRouter: { switchDelaySeconds: 0, switchDelayBasis: 'm' } } as never;
    const from = now() - 200;
    c.ctx.state.phases.push({ name: 'inject', startedAt: from, endedAt: from + 10, status: 'passed' });
    c.ctx.state.phases.push({ name: 'recover', startedAt: from, endedAt: from + 10, status: 'passed' });
    return { ...c, feed, calls, from };
  };

  test('the failover switches writes to the secondary only, and the summary times the switch from the injection', async () => {
    const { ctx, feed, calls, from } = routedFaulted();
    const timer = setInterval(() => {
      feed.edge(200, 'secondary/us-west-2');
      feed.write(201, 'secondary/us-west-2');
    }, 5);
    const out = await observeFailover.run(ctx, () => undefined).finally(() => clearInterval(timer));
    expect(calls).toEqual(['switch secondary']);
    const [record] = ctx.state.writeSwitches;
    expect(ctx.state.writeSwitches.map((w) => w.to)).toEqual(['secondary']);
    expect(out.summary).toContain(`writes switched ${((record!.requestedAt - from) / 1000).toFixed(1)} s after injection`);
  });

  test('the failback switches writes back to the primary only, before it waits for the GETs', async () => {
    const { ctx, feed, calls } = routedFaulted();
    const timer = setInterval(() => {
      feed.edge(200, 'primary/us-east-1');
      feed.write(201, 'primary/us-east-1');
    }, 5);
    const out = await observeFailback.run(ctx, () => undefined).finally(() => clearInterval(timer));
    expect(calls).toEqual(['switch primary']);
    expect(ctx.state.writeSwitches.map((w) => w.to)).toEqual(['primary']);
    expect(out).toEqual({
      value: 'next',
      summary: expect.stringMatching(/^2 consecutive edge GETs from the primary \d+\.\d s after recovery began$/),
    });
  });

  test('a negative control holds only the failover: the failback still waits for the primary', async () => {
    const feed = new Feed();
    const { ctx } = drillContext({ ...FAST, expect: 'no-failover' }, feed);
    const t = now();
    ctx.state.phases.push({ name: 'recover', startedAt: t, endedAt: t, status: 'passed' });
    const updates: string[] = [];
    const timer = setInterval(() => feed.edge(200, 'primary/us-east-1'), 5);
    const out = await observeFailback.run(ctx, (m) => void updates.push(m)).finally(() => clearInterval(timer));
    expect(out.summary).toMatch(/^2 consecutive edge GETs from the primary /);
    expect(updates[0]).toBe('1/2 consecutive from the primary (0 errors)');
  });
});

describe('observe with an alarm phase', () => {
  /** Alarms that are in whatever state the test sets, each entered at `at`. */
  const settable = (state: Record<string, { state: string; at: number }>): TargetAlarms => ({
    namePrefix: 'ef',
    describe: async (names) =>
      names.map((name) => ({ name, region: 'us-east-1', state: state[name]!.state, alarmActions: [], okActions: [] })),
    history: async ({ name }, since) => {
      const s = state[name]!;
      return s.at >= since ? [{ at: s.at, from: s.state === 'OK' ? 'ALARM' : 'OK', to: s.state, reason: `${name} ${s.state}` }] : [];
    },
  });

  test('the failover is held until the asserted alarms are ALARM, the failback until they are OK, and each summary says after how long', async () => {
    const feed = new Feed();
    const from = now() - 1000;
    const states: Record<string, { state: string; at: number }> = {
      'ef-failover-active': { state: 'ALARM', at: from + 500 },
      'ef-primary-unhealthy': { state: 'ALARM', at: from + 700 },
    };
    const target = { name: 'local', alarms: settable(states) } as unknown as Target;
    const settings: DrillSettings = { ...FAST, alarms: alarmPlan({ detect: 5, clear: 5, pollIntervalSeconds: 0.01 }) };
    const { ctx } = drillContext(settings, feed, target);
    ctx.state.phases.push({ name: 'inject', startedAt: from, endedAt: from, status: 'passed' });
    ctx.state.phases.push({ name: 'recover', startedAt: from, endedAt: from, status: 'passed' });
    ctx.state.alarms = {
      results: Object.keys(states).map((name) => ({
        kind: name.slice(3) as 'failover-active',
        name,
        region: 'us-east-1',
        stateBefore: 'OK',
        alarmActions: [],
        okActions: [],
        notifiesSns: false,
      })),
      guards: [],
    };
    const over = feeding(() => feed.edge(200, 'secondary/us-west-2'));
    const failover = await observeFailover.run(ctx, () => undefined).finally(over);
    expect(failover.summary).toMatch(/ after injection; ef-failover-active ALARM after 0\.5 s, ef-primary-unhealthy ALARM after 0\.7 s$/);
    expect(ctx.state.alarms.results.map((r) => [r.detect?.state, r.clear])).toEqual([
      ['ALARM', undefined],
      ['ALARM', undefined],
    ]);
    states['ef-failover-active'] = { state: 'OK', at: from + 900 };
    states['ef-primary-unhealthy'] = { state: 'OK', at: from + 800 };
    const back = feeding(() => feed.edge(200, 'primary/us-east-1'));
    const failback = await observeFailback.run(ctx, () => undefined).finally(back);
    expect(failback.summary).toMatch(/ after recovery began; ef-failover-active OK after 0\.9 s, ef-primary-unhealthy OK after 0\.8 s$/);
    expect(ctx.state.alarms.results.map((r) => r.clear?.state)).toEqual(['OK', 'OK']);
  });
});

describe('the write switch, further', () => {
  test('while it waits the switch is told, each line under "writes:", and the last line gives the time the record has', async () => {
    const feed = new Feed();
    const calls: string[] = [];
    const { ctx, lines } = drillContext(FAST, feed, writeTarget(calls));
    ctx.state.routesWrites = true;
    ctx.state.endpoints = { writeRouter: ROUTER } as never;
    ctx.state.phases.push({ name: 'inject', startedAt: now(), endedAt: now(), status: 'passed' });
    setTimeout(() => feed.write(201, 'secondary/us-west-2'), 120);
    const record = await startSwitchToSecondary(ctx)!;
    // At least one line for the delay and one for the wait for a write, then the outcome.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.startsWith('writes: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('writes: switching writes to the secondary in '))).toBe(true);
    expect(lines.some((l) => l.startsWith('writes: active-region = secondary; '))).toBe(true);
    expect(lines.at(-1)).toBe(
      `writes: served by the secondary ${((record.observedAt! - record.requestedAt) / 1000).toFixed(1)} s after the switch`,
    );
  });

  test('only a write counts: an edge GET served by the new region is not the switch', async () => {
    const feed = new Feed();
    setTimeout(() => {
      feed.edge(200, 'secondary/us-west-2');
      feed.direct('secondary', 200);
    }, 10);
    const record = await switchWrites({
      target: writeTarget(),
      prober: feed as unknown as Prober,
      to: 'secondary',
      since: now(),
      delaySeconds: 0,
      delayBasis: 'given',
      timeoutMs: 150,
      signal: open(),
    });
    expect(record.observedAt).toBeUndefined();
  });

  test('the countdowns never say more is left than the delay or the bound, and tell once a tick, not more', async () => {
    const feed = new Feed();
    const updates: string[] = [];
    const told: number[] = [];
    const tickMs = 40;
    const since = now();
    const { value: record, pace } = await withPace(() =>
      switchWrites({
        target: writeTarget(),
        prober: feed as unknown as Prober,
        to: 'secondary',
        since,
        delaySeconds: 0.2,
        delayBasis: 'modelled',
        timeoutMs: 200,
        signal: open(),
        tickMs,
        update: (m) => void (updates.push(m), told.push(now())),
      }),
    );
    const end = now();
    const delay = updates.filter((u) => u.startsWith('switching writes'));
    const wait = updates.filter((u) => u.startsWith('active-region'));
    const left = (u: string) => Number(/[ (](-?\d+\.\d) s(?: left|:)/.exec(u)![1]);
    expect(delay.length).toBeGreaterThanOrEqual(1);
    expect(wait.length).toBeGreaterThanOrEqual(1);
    // Told at least once a tick: no two lines (nor the start and the end) further apart than a tick,
    // the wait's 50 ms poll and how late this process ran (how many lines that makes depends on it).
    const at = [since, ...told, end];
    const gaps = at.slice(1).map((t, i) => Math.round(t - at[i]!));
    expect({ gaps, over: gaps.filter((g) => g > tickMs + 50 + pace.lagMs) }).toEqual({ gaps, over: [] });
    expect(delay.every((u) => left(u) >= 0 && left(u) <= 0.2)).toBe(true);
    expect(wait.every((u) => left(u) <= 0.2)).toBe(true);
    // One line per tick at most (and one at the start of each wait).
    expect(delay.length).toBeLessThanOrEqual(Math.ceil((record.requestedAt - since) / tickMs) + 1);
    expect(wait.length).toBeLessThanOrEqual(Math.floor((end - record.requestedAt) / tickMs) + 1);
  });

  test("the run's signal ends the switch while it waits out the delay, and while it waits for a write", async () => {
    for (const delaySeconds of [60, 0]) {
      const ac = new AbortController();
      const calls: string[] = [];
      const pending = switchWrites({
        target: writeTarget(calls),
        prober: new Feed() as unknown as Prober,
        to: 'secondary',
        since: now(),
        delaySeconds,
        delayBasis: 'modelled',
        timeoutMs: 60_000,
        signal: ac.signal,
      });
      const reason = new Error('SIGINT');
      setTimeout(() => ac.abort(reason), 30);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError', cause: reason });
      expect({ delaySeconds, calls }).toEqual({ delaySeconds, calls: delaySeconds === 0 ? ['switch secondary'] : [] });
    }
  });
});

describe('hold', () => {
  test("ends on the run's signal, its reason the cause, long before the time asked", async () => {
    const ac = new AbortController();
    const pending = hold(now(), 60, ac.signal);
    const reason = new Error('SIGTERM');
    setTimeout(() => ac.abort(reason), 10);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', cause: reason });
  });

  test('a time already past returns at once', async () => {
    const ac = new AbortController();
    ac.abort(new Error('not read'));
    // Nothing is left to wait: the signal is not even consulted.
    await expect(hold(now() - 1000, 0.5, ac.signal)).resolves.toBeUndefined();
  });
});

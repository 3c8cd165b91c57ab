/**
 * The live "N consecutive" rule the drill waits on, over a hand-fed probe stream: it resolves on
 * the Nth consecutive answer from the awaited origin (not one later), and any other answer resets it;
 * only viewer GETs are counted, and only direct probes that completed say whether an origin is up.
 */
import { jest } from '@jest/globals';
import type { ProbeRecord } from '../../harness/analysis/timeline.js';
import type { ProbeListener } from '../../harness/probe/prober.js';
import { LiveView, WaitTimeout, type EdgeTally } from '../../harness/drill/watch.js';

class FeedProber {
  private readonly listeners = new Set<ProbeListener>();
  private seq = 0;
  onProbe(l: ProbeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  edge(status: number, servedBy?: string, sentAt = 1000): void {
    this.emit({ seq: this.seq++, kind: 'edge', method: 'GET', phase: 'steady', sentAt, latencyMs: 1, status, servedByHeader: servedBy });
  }
  direct(origin: 'primary' | 'secondary', status: number, sentAt = 1000): void {
    this.emit({ seq: this.seq++, kind: 'direct', origin, method: 'GET', phase: 'steady', sentAt, latencyMs: 1, status });
  }
  /** A probe as the prober records it when the run stops it: no answer, `cancelled`. */
  cancelled(kind: 'edge' | 'direct', origin?: 'primary' | 'secondary'): void {
    const p: ProbeRecord = {
      seq: this.seq++,
      kind,
      method: 'GET',
      phase: 'steady',
      sentAt: 1000,
      latencyMs: 1,
      error: 'cancelled',
      cancelled: true,
    };
    this.emit(origin ? { ...p, origin } : p);
  }
  write(status: number, servedBy: string): void {
    this.emit({
      seq: this.seq++,
      kind: 'write',
      method: 'POST',
      phase: 'steady',
      sentAt: 1000,
      latencyMs: 1,
      status,
      servedByHeader: servedBy,
    });
  }
  private emit(p: ProbeRecord): void {
    for (const l of this.listeners) l(p);
  }
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

test('resolves on exactly the Nth consecutive edge GET from the awaited origin', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const wait = live.consecutive('primary', 3, { since: 0, timeoutMs: 5000, signal: new AbortController().signal });
  feed.edge(200, 'primary/us-east-1');
  feed.edge(200, 'primary/us-east-1');
  expect(await settled(wait)).toBe(false);
  feed.edge(200, 'primary/us-east-1');
  expect(await settled(wait)).toBe(true);
  await expect(wait).resolves.toMatchObject({ run: 3, total: 3, byRole: { primary: 3, secondary: 0 }, errors: 0 });
});

test('an answer from the other origin, or an error, starts the count again', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const wait = live.consecutive('primary', 2, { since: 0, timeoutMs: 5000, signal: new AbortController().signal });
  feed.edge(200, 'primary/us-east-1');
  feed.edge(200, 'secondary/us-west-2');
  feed.edge(200, 'primary/us-east-1');
  feed.edge(503, 'primary/us-east-1');
  feed.edge(200, 'primary/us-east-1');
  expect(await settled(wait)).toBe(false);
  feed.edge(200, 'primary/us-east-1');
  await expect(wait).resolves.toMatchObject({ run: 2, total: 6, errors: 1, byRole: { primary: 4, secondary: 1 } });
});

test('probes sent before `since` do not count; without a header the direct probes decide', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const wait = live.consecutive('secondary', 1, { since: 2000, timeoutMs: 5000, signal: new AbortController().signal });
  feed.edge(200, 'secondary/us-west-2', 1999);
  expect(await settled(wait)).toBe(false);
  feed.direct('primary', 404);
  feed.direct('secondary', 200);
  feed.edge(200, undefined, 2000);
  await expect(wait).resolves.toMatchObject({ run: 1, total: 1 });
});

test('times out with what it saw', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const wait = live.consecutive('primary', 2, { since: 0, timeoutMs: 50, signal: new AbortController().signal });
  feed.edge(200, 'secondary/us-west-2');
  await expect(wait).rejects.toThrow(WaitTimeout);
  await expect(wait).rejects.toThrow(
    'no 2 consecutive 2xx edge GETs from the primary within 0.05 s (1 edge GETs: 0 served by the primary, 1 by the secondary, 0 errors)',
  );
});

/** The run's signal as a wait sees it, counting the abort listeners it holds. */
function countingSignal(): { signal: AbortSignal; listeners: () => number; abort: (reason: unknown) => void } {
  const ac = new AbortController();
  // As an EventTarget does: a listener is held per event type, and removed only under the same type.
  const held = new Set<string>();
  const ids = new Map<unknown, number>();
  const key = (type: string, l: unknown) => {
    if (!ids.has(l)) ids.set(l, ids.size);
    return `${type}#${ids.get(l)}`;
  };
  const signal = {
    get aborted() {
      return ac.signal.aborted;
    },
    get reason() {
      return ac.signal.reason as unknown;
    },
    addEventListener: (type: string, l: () => void, o?: AddEventListenerOptions) => {
      held.add(key(type, l));
      ac.signal.addEventListener(type, l, o);
    },
    removeEventListener: (type: string, l: () => void) => {
      held.delete(key(type, l));
      ac.signal.removeEventListener(type, l);
    },
  } as unknown as AbortSignal;
  return { signal, listeners: () => held.size, abort: (r) => ac.abort(r) };
}

test("a settled wait, resolved or timed out, holds no listener on the run's signal (a drill makes many waits on one signal)", async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const run = countingSignal();
  const resolved = live.consecutive('primary', 1, { since: 0, timeoutMs: 5000, signal: run.signal });
  expect(run.listeners()).toBe(1);
  feed.edge(200, 'primary/us-east-1');
  await resolved;
  expect(run.listeners()).toBe(0);
  const late = live.directAnswer('secondary', { since: 0, timeoutMs: 10, signal: run.signal });
  await expect(late).rejects.toThrow(WaitTimeout);
  expect(run.listeners()).toBe(0);
  // An abort after both settled changes nothing.
  run.abort(new Error('SIGINT'));
  await expect(resolved).resolves.toMatchObject({ run: 1 });
});

test('a settled wait leaves no timer behind: the process is not kept alive until its bound', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  try {
    const feed = new FeedProber();
    const live = new LiveView(feed);
    const wait = live.consecutive('primary', 1, { since: 0, timeoutMs: 60_000, signal: new AbortController().signal });
    expect(jest.getTimerCount()).toBe(1);
    feed.edge(200, 'primary/us-east-1');
    await wait;
    expect(jest.getTimerCount()).toBe(0);
    const ac = new AbortController();
    const aborted = live.directAnswer('primary', { since: 0, timeoutMs: 60_000, signal: ac.signal });
    ac.abort(new Error('SIGTERM'));
    await expect(aborted).rejects.toThrow('SIGTERM');
    expect(jest.getTimerCount()).toBe(0);
  } finally {
    jest.useRealTimers();
  }
});

test('the tally counts viewer GETs alone: direct probes, writes and cancelled GETs leave it as it was', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const tallies: EdgeTally[] = [];
  const wait = live.consecutive('primary', 1, {
    since: 0,
    timeoutMs: 5000,
    signal: new AbortController().signal,
    onTally: (t) => void tallies.push(t),
  });
  feed.direct('primary', 200);
  feed.write(201, 'primary/us-east-1');
  feed.cancelled('edge');
  feed.cancelled('direct', 'primary');
  expect(tallies).toEqual([]);
  expect(await settled(wait)).toBe(false);
  feed.edge(200, 'primary/us-east-1');
  await expect(wait).resolves.toEqual({ total: 1, byRole: { primary: 1, secondary: 0 }, errors: 0, run: 1 });
});

test('a failure, and an answer no origin can be told for, count in the total and for no origin', async () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const tallies: EdgeTally[] = [];
  const wait = live.consecutive('secondary', 1, {
    since: 0,
    timeoutMs: 5000,
    signal: new AbortController().signal,
    onTally: (t) => void tallies.push(t),
  });
  feed.edge(503, 'primary/us-east-1');
  // No header and no direct probe yet: nobody can tell who answered.
  feed.edge(200);
  feed.edge(200, 'secondary/us-west-2');
  await expect(wait).resolves.toEqual({ total: 3, byRole: { primary: 0, secondary: 1 }, errors: 1, run: 1 });
  for (const t of tallies) {
    expect(Object.keys(t.byRole).sort()).toEqual(['primary', 'secondary']);
    expect(t.byRole.primary + t.byRole.secondary + t.errors).toBeLessThanOrEqual(t.total);
  }
});

test('a cancelled direct probe says nothing about its origin: who served a header-less answer stays as the last completed ones said', () => {
  const feed = new FeedProber();
  const live = new LiveView(feed);
  const headerless: ProbeRecord = { seq: 99, kind: 'edge', method: 'GET', phase: 'steady', sentAt: 1000, latencyMs: 1, status: 200 };
  feed.direct('primary', 200);
  feed.cancelled('direct', 'primary');
  expect(live.servedBy(headerless)).toBe('primary');
  feed.direct('primary', 503);
  feed.direct('secondary', 200);
  feed.cancelled('direct', 'secondary');
  expect(live.servedBy(headerless)).toBe('secondary');
});

test('a direct answer sent at `since` itself counts, one sent before does not', async () => {
  for (const since of [1000, 2000]) {
    const feed = new FeedProber();
    const live = new LiveView(feed);
    const wait = live.directAnswer('secondary', { since, timeoutMs: 5000, signal: new AbortController().signal });
    feed.direct('secondary', 200, since - 1);
    expect(await settled(wait)).toBe(false);
    feed.direct('secondary', 200, since);
    await expect(wait).resolves.toMatchObject({ origin: 'secondary', status: 200, sentAt: since });
  }
});

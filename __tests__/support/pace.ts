/**
 * The pace a drill kept on this machine, measured in the same run, for the slack of a bound on a
 * viewer's time: a shared two-core machine may stall any process for seconds.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunRecord } from '../../harness/report/run-record.js';

/** How this machine kept pace while a drill ran. */
export interface Pace {
  /**
   * The longest this test process's event loop was late (ms) while the drill ran: where the edge
   * (and the fronts) run on it, a timer of the edge, or a response waiting to be read, fires up to
   * this late.
   */
  readonly lagMs: number;
}

/** Runs `f`, measuring how late this process's event loop was meanwhile. */
export async function withPace<T>(f: () => Promise<T>): Promise<{ value: T; pace: Pace }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  try {
    const value = await f();
    return { value, pace: { lagMs: lag.max / 1e6 } };
  } finally {
    lag.disable();
  }
}

/**
 * The slack of a bound on a viewer's time in this run (seconds): the longest gap between two
 * viewer GETs sent (the drill's own process stalled for that long), plus two of the slowest
 * steady-state viewer GET (a failed-over GET asks both origins), plus the event loop's lateness.
 * A change the edge makes at once shows in the first GET sent after it, within this.
 */
export function probeSlack(run: RunRecord, pace: Pace): number {
  const gap = maxSendGapMs(run);
  const steadyMax = run.measurements.phases.find((p) => p.phase === 'steady')?.latency.maxMs ?? 0;
  return (gap + 2 * steadyMax + pace.lagMs) / 1000;
}

/** The longest gap between two viewer GETs the drill sent (ms): how long its own process stalled, at most. */
export function maxSendGapMs(run: RunRecord): number {
  const sent = run.probes
    .filter((p) => p.kind === 'edge' && !p.cancelled)
    .map((p) => p.sentAt)
    .sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sent.length; i++) gap = Math.max(gap, sent[i]! - sent[i - 1]!);
  return gap;
}

/** Blocks this process's event loop for `ms`, as a busy machine's scheduler can: nothing else of it runs meanwhile. */
export function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

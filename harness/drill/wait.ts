/** Bounded waits for the drill's phases. */
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../probe/prober.js';
import { WaitTimeout } from './watch.js';

/**
 * Runs waits under a child signal that is aborted when they settle, so no wait outlives
 * its phase. A WaitTimeout becomes { ok: false }; an abort or other error propagates.
 */
export async function bounded<T>(
  signal: AbortSignal,
  wait: (s: AbortSignal) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const child = new AbortController();
  const s = AbortSignal.any([signal, child.signal]);
  try {
    return { ok: true, value: await wait(s) };
  } catch (err) {
    if (err instanceof WaitTimeout) return { ok: false, reason: err.message };
    throw err;
  } finally {
    child.abort();
  }
}

/**
 * Sleeps until `seconds` after `since` (epoch ms, now()'s clock); rejects when the signal aborts.
 * Node's timers count whole milliseconds of the loop's clock, so one may fire a fraction of a
 * millisecond early on now()'s clock: it sleeps again until that clock says the time is up.
 */
export async function hold(since: number, seconds: number, signal: AbortSignal): Promise<void> {
  const due = since + seconds * 1000;
  for (let remaining = due - now(); remaining > 0; remaining = due - now()) await sleep(remaining, undefined, { signal });
}

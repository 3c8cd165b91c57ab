/**
 * Timers of the local edge that do not count the time this process could not run.
 *
 * The edge models CloudFront's connection and response timeouts with timers on this process's
 * event loop, which it shares with the fronts and the probes. When the machine is busy, the loop
 * can be seconds late: a timer then fires late, and an origin's answer that arrived meanwhile has
 * not been read yet. A plain timer would judge that answer too late, and the edge would fail over,
 * or answer 504, where CloudFront, which is never stalled by this machine, would have had it in
 * time. A paced timer does not count the loop's stalls: a 10 ms ticker, running while any paced
 * timer waits, measures how late the loop runs, and a timer that comes due waits again for the
 * stalls that accrued while it waited. Without a stall, a paced timer fires as a plain one does.
 */

/** The ticker's period (ms). */
const TICK_MS = 10;
/**
 * A tick later than this (ms) is a stall (a GC pause, a synchronous stretch of work, the process
 * descheduled), and all its lateness counts. Shorter lateness is how a loop runs on a busy machine,
 * and counts as time: counting it too would stretch every timeout on a machine that is merely
 * busy (measured on two cores beside four busy processes: 1 s timeouts took several seconds, past
 * the viewers' own 10 s timeout).
 */
const STALL_MS = 100;

/** Milliseconds of stalls of this process's loop counted while any paced timer waited. */
let lateMs = 0;
let lastTick = 0;
let ticker: NodeJS.Timeout | undefined;
let armed = 0;

/** Stalls so far, including the current tick's if it is already overdue by a stall. */
function lateness(): number {
  const overdue = performance.now() - lastTick - TICK_MS;
  return lateMs + (ticker && overdue > STALL_MS ? overdue : 0);
}

function tick(): void {
  const t = performance.now();
  const over = t - lastTick - TICK_MS;
  if (over > STALL_MS) lateMs += over;
  lastTick = t;
}

function acquire(): void {
  if (armed++ > 0) return;
  lastTick = performance.now();
  ticker = setInterval(tick, TICK_MS);
  ticker.unref();
}

function release(): void {
  if (--armed > 0) return;
  clearInterval(ticker);
  ticker = undefined;
}

/** A handle to cancel a paced timer; cancelling one that fired or was cancelled does nothing. */
export interface PacedTimer {
  cancel(): void;
}

/**
 * Calls `fn` once `ms` of time in which this process kept pace have passed: the loop's stalls
 * while it waits are added to the wait.
 */
export function pacedTimeout(ms: number, fn: () => void): PacedTimer {
  acquire();
  const start = performance.now();
  const lateAtStart = lateness();
  let done = false;
  const finish = () => {
    if (done) return false;
    done = true;
    release();
    return true;
  };
  const due = () => {
    // Due at start + ms + the stalls since start: wait again for what is left.
    const left = start + ms + (lateness() - lateAtStart) - performance.now();
    if (left > 0) {
      timer = setTimeout(due, left);
      return;
    }
    if (finish()) fn();
  };
  let timer = setTimeout(due, ms);
  return {
    cancel() {
      clearTimeout(timer);
      finish();
    },
  };
}

/**
 * Resolves after `ms` of paced time; rejects with the signal's reason when it aborts first. For a
 * delay modelled in the same process as the edge (a slow origin), on the edge's clock.
 */
export function pacedSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal.reason);
    };
    const timer = pacedTimeout(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The stalls counted so far (ms) while paced timers waited: a paced timer started at lateness L
 * fires `ms` plus (the lateness when it fires − L) after it started. For tests.
 */
export function pacedLateness(): number {
  return lateness();
}

/** How many paced timers are waiting: for tests, which check that none is left behind. */
export function pacedTimersWaiting(): number {
  return armed;
}

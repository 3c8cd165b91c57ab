/**
 * The local edge's paced timers: a stall of this process does not count toward a timeout, time it
 * kept pace does, and a cancelled or fired timer leaves nothing running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pacedLateness, pacedSleep, pacedTimeout, pacedTimersWaiting } from '../../harness/cloudfront/paced-timer.js';

/** Blocks this process's event loop for `ms`: nothing else of it runs meanwhile. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

interface Fired {
  /** When the paced timer fired, from its start (ms). */
  readonly after: number;
  /** The stalls it counted while it waited (ms). */
  readonly counted: number;
  /** When a plain timer of the same length, started with it, fired (ms): the loop's own lateness. */
  readonly plain: number;
}

/** A paced timer of `ms` and a plain one beside it; `meanwhile` runs while they wait. */
async function race(ms: number, meanwhile: () => Promise<void> = async () => undefined): Promise<Fired> {
  const start = performance.now();
  const before = pacedLateness();
  const plain = new Promise<number>((r) => setTimeout(() => r(performance.now() - start), ms));
  const paced = new Promise<Fired>((r) =>
    pacedTimeout(ms, () => r({ after: performance.now() - start, counted: pacedLateness() - before, plain: 0 })),
  );
  await meanwhile();
  const [fired, plainAfter] = await Promise.all([paced, plain]);
  return { ...fired, plain: plainAfter };
}

/**
 * How late a paced timer may fire past its due time unseen (ms): a timer later than that finds the
 * ticker overdue by a stall, counts it and waits it out. The ticker's period and the lateness it
 * does not count as a stall (10 + 100 ms), and 10 for the timer's own rounding and the test's reading.
 */
const UNSEEN_MS = 120;

afterEach(() => expect(pacedTimersWaiting()).toBe(0));

test('a paced timer fires when a plain one does, later by exactly the stalls it counted', async () => {
  const { after, counted, plain } = await race(200);
  expect(after).toBeGreaterThanOrEqual(199); // node's timers count whole milliseconds
  // Its due time is start + 200 + counted: it fires then, or with the plain timer if the loop is later still.
  expect(after).toBeLessThanOrEqual(Math.max(plain, 200 + counted) + UNSEEN_MS);
});

test('a stall while it waits is added to the wait: it fires after its time in which the loop kept pace', async () => {
  const { after, counted, plain } = await race(200, async () => {
    await sleep(50);
    stall(500);
  });
  // The ticker sees the stall less at most its own period.
  expect(counted).toBeGreaterThanOrEqual(500 - 15);
  expect(after).toBeGreaterThanOrEqual(200 + counted - 1);
  expect(after).toBeLessThanOrEqual(Math.max(plain, 200 + counted) + UNSEEN_MS);
});

test('a stall past its due time delays it by what was left of its time when the stall began', async () => {
  const { after, counted, plain } = await race(100, async () => {
    await sleep(60); // 40 ms of its time left
    stall(300);
  });
  expect(counted).toBeGreaterThanOrEqual(300 - 15);
  expect(after).toBeGreaterThanOrEqual(100 + counted - 1);
  expect(after).toBeLessThanOrEqual(Math.max(plain, 100 + counted) + UNSEEN_MS);
});

test('timers waiting together share one measure of the stalls; each fires once', async () => {
  const calls: number[] = [];
  const start = performance.now();
  const timers = [100, 150].map((ms) => new Promise<void>((r) => pacedTimeout(ms, () => (calls.push(ms), r()))));
  expect(pacedTimersWaiting()).toBe(2);
  await sleep(20);
  stall(300);
  await Promise.all(timers);
  expect(calls).toEqual([100, 150]);
  expect(performance.now() - start).toBeGreaterThanOrEqual(150 + 300 - 15);
  await sleep(50);
  expect(calls).toEqual([100, 150]);
});

test('a cancelled timer never fires, and cancelling twice or after firing does nothing', async () => {
  let fired = 0;
  const t = pacedTimeout(30, () => fired++);
  expect(pacedTimersWaiting()).toBe(1);
  t.cancel();
  t.cancel();
  expect(pacedTimersWaiting()).toBe(0);
  await sleep(60);
  expect(fired).toBe(0);
  const u = pacedTimeout(10, () => fired++);
  await sleep(40);
  u.cancel();
  expect(fired).toBe(1);
});

test('pacedSleep resolves after its time, and rejects at once with the reason when its signal aborts, leaving no timer', async () => {
  const start = performance.now();
  await pacedSleep(30, new AbortController().signal);
  expect(performance.now() - start).toBeGreaterThanOrEqual(29);
  const stop = new AbortController();
  const slept = pacedSleep(10_000, stop.signal);
  expect(pacedTimersWaiting()).toBe(1);
  stop.abort(new Error('fault cleared'));
  await expect(slept).rejects.toThrow('fault cleared');
  expect(pacedTimersWaiting()).toBe(0);
  await expect(pacedSleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
});

/**
 * The write switch's waits (the switch delay, which is the modelled detection delay and can be
 * minutes, then the wait for a write from the new region) say what they wait for and how long is
 * left, every tick, instead of falling silent.
 */
import { expect, test } from '@jest/globals';
import type { ProbeRecord } from '../../harness/analysis/timeline.js';
import { switchWrites } from '../../harness/drill/write-switch.js';
import { now, type Prober } from '../../harness/probe/prober.js';
import type { Target } from '../../harness/targets/target.js';
import { stall, withPace } from '../support/pace.js';

const TICK_MS = 200;
/** How often the wait for a write looks at the writes (write-switch.ts). */
const WRITE_POLL_MS = 50;

test.each([
  ['as it runs', 0],
  ['when this process is stalled for 0.8 s during the delay (fewer updates, none further apart than the stall)', 800],
])('the switch delay and the wait for a write count down, tick by tick, %s', async (_, stallMs) => {
  if (stallMs > 0) setTimeout(() => stall(stallMs), 100);
  const probes: ProbeRecord[] = [];
  const target = {
    name: 'fake',
    switchWrites: async () => {
      // The first write from the secondary arrives 0.7 s after the switch.
      setTimeout(() => {
        const sentAt = now();
        probes.push({
          seq: 1,
          kind: 'write',
          method: 'POST',
          phase: 'failover',
          sentAt,
          latencyMs: 1,
          status: 201,
          servedByHeader: 'secondary/us-west-2',
        });
      }, 700);
    },
  } as unknown as Target;
  const updates: { at: number; message: string }[] = [];
  const since = now();
  const { value: record, pace } = await withPace(() =>
    switchWrites({
      target,
      prober: { probes } as unknown as Prober,
      to: 'secondary',
      since,
      delaySeconds: 1,
      delayBasis: 'modelled: test',
      timeoutMs: 5000,
      signal: new AbortController().signal,
      tickMs: TICK_MS,
      update: (message) => updates.push({ at: now(), message }),
    }),
  );
  const end = now();
  expect(record.observedAt).toBeDefined();
  const delay = updates.filter((u) => u.message.startsWith('switching writes to the secondary in '));
  const wait = updates.filter((u) => u.message.startsWith('active-region = secondary; waiting for a write served by the secondary'));
  expect(delay.length).toBeGreaterThanOrEqual(1);
  expect(wait.length).toBeGreaterThanOrEqual(1);
  // Never silent for longer than a tick, from the start to the write seen: how many updates that
  // makes depends on how late this process ran (a busy machine stalls it), so the gaps are bounded
  // instead, each by a tick plus the wait's own poll plus the event loop's lateness in this run.
  const at = [since, ...updates.map((u) => u.at), end];
  const gaps = at.slice(1).map((t, i) => Math.round(t - at[i]!));
  const bound = TICK_MS + WRITE_POLL_MS + pace.lagMs;
  expect({ gaps, over: gaps.filter((g) => g > bound) }).toEqual({ gaps, over: [] });
  expect(delay[0]!.message).toContain('waiting out the switch delay of 1 s (modelled: test)');
  const left = (u: { message: string }) => Number(/([\d.]+) s(?: left|:)/.exec(u.message)![1]);
  for (const list of [delay, wait]) for (let i = 1; i < list.length; i++) expect(left(list[i]!)).toBeLessThan(left(list[i - 1]!));
  expect(wait[0]!.message).toMatch(/\(\d+\.\d s left of 5 s\)$/);
});

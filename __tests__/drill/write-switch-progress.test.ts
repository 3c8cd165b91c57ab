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

test('the switch delay and the wait for a write count down, tick by tick', async () => {
  const probes: ProbeRecord[] = [];
  const target = {
    name: 'fake',
    switchWrites: async () => {
      // The first write from the secondary arrives 0.7 s after the switch.
      setTimeout(() => {
        const sentAt = now();
        probes.push({ seq: 1, kind: 'write', method: 'POST', phase: 'failover', sentAt, latencyMs: 1, status: 201, servedByHeader: 'secondary/us-west-2' });
      }, 700);
    },
  } as unknown as Target;
  const updates: { at: number; message: string }[] = [];
  const since = now();
  const record = await switchWrites({
    target,
    prober: { probes } as unknown as Prober,
    to: 'secondary',
    since,
    delaySeconds: 1,
    delayBasis: 'modelled: test',
    timeoutMs: 5000,
    signal: new AbortController().signal,
    tickMs: 200,
    update: (message) => updates.push({ at: now(), message }),
  });
  expect(record.observedAt).toBeDefined();
  const delay = updates.filter((u) => u.message.startsWith('switching writes to the secondary in '));
  const wait = updates.filter((u) => u.message.startsWith('active-region = secondary; waiting for a write served by the secondary'));
  // One update per tick of each wait (the bound takes its slack from the ticks actually seen).
  expect(delay.length).toBeGreaterThanOrEqual(3);
  expect(wait.length).toBeGreaterThanOrEqual(2);
  expect(delay[0]!.message).toContain('waiting out the switch delay of 1 s (modelled: test)');
  const left = (u: { message: string }) => Number(/([\d.]+) s(?: left|:)/.exec(u.message)![1]);
  for (const list of [delay, wait]) for (let i = 1; i < list.length; i++) expect(left(list[i]!)).toBeLessThan(left(list[i - 1]!));
  expect(wait[0]!.message).toMatch(/\(\d+\.\d s left of 5 s\)$/);
});

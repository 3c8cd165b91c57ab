/** hold() ends no earlier than asked on now()'s clock, the clock every drill record uses. */
import { expect, test } from '@jest/globals';
import { hold } from '../../harness/drill/wait.js';
import { now } from '../../harness/probe/prober.js';

test('hold never returns before since + seconds on now()', async () => {
  const early: number[] = [];
  for (let i = 0; i < 60; i++) {
    // Start between two milliseconds of the loop's clock, where a timer may fire early.
    const since = now() - Math.random();
    const seconds = 0.002 + (i % 7) / 1000;
    await hold(since, seconds, AbortSignal.timeout(5_000));
    const over = now() - (since + seconds * 1000);
    if (over < 0) early.push(over);
  }
  expect(early).toEqual([]);
});

/**
 * The cleanup stack on its own: a step whose condition says there is nothing to undo is skipped
 * and never called; every other step runs once, last in first out, is announced before it runs,
 * gets the signal it was run with, and reports what it did and how long it took.
 */
import { expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { CleanupStack, messageOf } from '../../harness/drill/cleanup.js';

test('a step whose condition says nothing to undo is skipped, never called and never announced', async () => {
  const stack = new CleanupStack();
  const called: string[] = [];
  const announced: string[] = [];
  stack.push('always', async () => void called.push('always'));
  stack.push('needed', async () => void called.push('needed'), { when: () => true });
  stack.push('not needed', async () => void called.push('not needed'), { when: () => false });
  const results = await stack.run(AbortSignal.timeout(1000), (name) => announced.push(name));
  expect(called).toEqual(['needed', 'always']);
  expect(announced).toEqual(['needed', 'always']);
  expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
    ['not needed', 'skipped', 'nothing to undo'],
    ['needed', 'ran', 'done'],
    ['always', 'ran', 'done'],
  ]);
  expect(results[0]!.durationMs).toBe(0);
});

test('the condition is read when the stack runs, not when the step is registered', async () => {
  const stack = new CleanupStack();
  let owed = false;
  stack.push('undo', async () => 'undone', { when: () => owed });
  owed = true;
  expect((await stack.run(AbortSignal.timeout(1000))).map((r) => r.status)).toEqual(['ran']);
});

test('each step runs once: a second run has nothing left to do', async () => {
  const stack = new CleanupStack();
  let runs = 0;
  stack.push('once', async () => void runs++);
  await stack.run(AbortSignal.timeout(1000));
  expect(await stack.run(AbortSignal.timeout(1000))).toEqual([]);
  expect(runs).toBe(1);
});

test("a step's own detail is reported, and each step gets the signal the stack was run with", async () => {
  const stack = new CleanupStack();
  const signal = AbortSignal.timeout(1000);
  const seen: AbortSignal[] = [];
  stack.push('with detail', async (s) => {
    seen.push(s);
    return 'world torn down';
  });
  const [result] = await stack.run(signal);
  expect(result).toMatchObject({ name: 'with detail', status: 'ran', detail: 'world torn down' });
  expect(seen).toEqual([signal]);
});

test('a step that throws something other than an Error is reported failed with that value as text', async () => {
  const stack = new CleanupStack();
  stack.push('throws a string', async () => {
    throw 'resume refused';
  });
  const [result] = await stack.run(AbortSignal.timeout(1000));
  expect(result).toMatchObject({ status: 'failed', detail: 'resume refused' });
});

test('durations are the time each step took: at least its own wait, at most the whole run', async () => {
  const stack = new CleanupStack();
  const waitMs = 30;
  stack.push('fails slowly', async () => {
    await sleep(waitMs);
    throw new Error('late failure');
  });
  stack.push('slow', async () => {
    await sleep(waitMs);
  });
  const before = performance.now();
  const results = await stack.run(AbortSignal.timeout(5000));
  const whole = performance.now() - before;
  expect(results.map((r) => r.status)).toEqual(['ran', 'failed']);
  for (const r of results) {
    // Timers may fire up to a millisecond early on performance.now()'s clock.
    expect(r.durationMs).toBeGreaterThanOrEqual(waitMs - 1);
    expect(r.durationMs).toBeLessThanOrEqual(whole);
  }
});

test('messageOf: an Error gives its message, anything else its text', () => {
  expect(messageOf(new TypeError('bad value'))).toBe('bad value');
  expect(messageOf('plain')).toBe('plain');
  expect(messageOf(42)).toBe('42');
  expect(messageOf(undefined)).toBe('undefined');
});

import { describe, test } from '@jest/globals';

type TestBody = Parameters<typeof test>[1];
type DescribeBody = Parameters<typeof describe>[1];
type ConcurrentBody = Parameters<typeof test.concurrent>[1];

/**
 * `test` where what the test needs is here; otherwise the test is reported as skipped, with the
 * reason in its title and on the console, so it never passes silently.
 */
export function testUnless(reason: string | undefined): (name: string, body: TestBody, timeoutMs?: number) => void {
  if (reason === undefined) return (name, body, timeoutMs) => test(name, body, timeoutMs);
  console.warn(`skipped: ${reason}`);
  return (name, body, timeoutMs) => test.skip(`${name} [skipped: ${reason}]`, body, timeoutMs);
}

/**
 * `test.concurrent`, or the test reported as skipped with the reason, as `testUnless` does. jest
 * starts the bodies of the concurrent tests a run selects (with -t, only those) at once.
 */
export function testConcurrentUnless(reason: string | undefined): (name: string, body: ConcurrentBody, timeoutMs?: number) => void {
  if (reason === undefined) return (name, body, timeoutMs) => test.concurrent(name, body, timeoutMs);
  console.warn(`skipped: ${reason}`);
  return (name, body, timeoutMs) => test.concurrent.skip(`${name} [skipped: ${reason}]`, body, timeoutMs);
}

/** `describe`, or the whole block reported as skipped with the reason, as `testUnless` does for one test. */
export function describeUnless(reason: string | undefined, name: string, body: DescribeBody): void {
  if (reason === undefined) return describe(name, body);
  console.warn(`${name}: skipped: ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, body);
}

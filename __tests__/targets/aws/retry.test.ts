import { describe, expect, test } from '@jest/globals';
import {
  type ErrorPattern,
  RETRYABLE_AWS_ERRORS,
  RETRYABLE_TERRAFORM_ERRORS,
  FATAL_AWS_ERRORS,
  retry,
} from '../../../harness/targets/aws/tools/retry.js';

const table = [{ pattern: /Throttling/, reason: 'API throttling' }];
const fatal = [{ pattern: /AccessDenied/, reason: 'missing permission' }];

function failing(messages: string[], value = 'done') {
  let calls = 0;
  const fn = async () => {
    const m = messages[calls++];
    if (m !== undefined) throw new Error(m);
    return value;
  };
  return { fn, calls: () => calls };
}

describe('retry', () => {
  test('retries a retryable error, logging the reason, then returns the result', async () => {
    const logs: string[] = [];
    const f = failing(['ThrottlingException: Rate exceeded', 'Throttling again']);
    await expect(retry(f.fn, { description: 'op', attempts: 3, delayMs: 1, retryable: table, log: (m) => logs.push(m) })).resolves.toBe(
      'done',
    );
    expect(f.calls()).toBe(3);
    expect(logs).toEqual([
      'op: attempt 1/3 failed (API throttling); retrying in 1 ms',
      'op: attempt 2/3 failed (API throttling); retrying in 2 ms',
    ]);
  });

  test('a fatal pattern wins over a retryable one and stops at once', async () => {
    const f = failing(['Throttling... AccessDenied']);
    await expect(retry(f.fn, { description: 'op', attempts: 5, delayMs: 1, retryable: table, fatal })).rejects.toThrow(/AccessDenied/);
    expect(f.calls()).toBe(1);
  });

  test('an error matching no pattern is thrown at once', async () => {
    const f = failing(['something else']);
    await expect(retry(f.fn, { description: 'op', attempts: 5, delayMs: 1, retryable: table })).rejects.toThrow('something else');
    expect(f.calls()).toBe(1);
  });

  test('gives up after the last attempt with the last error', async () => {
    const f = failing(['Throttling 1', 'Throttling 2', 'Throttling 3']);
    await expect(retry(f.fn, { description: 'op', attempts: 2, delayMs: 1, retryable: table })).rejects.toThrow('Throttling 2');
    expect(f.calls()).toBe(2);
  });

  test('an abort during the delay ends the retries', async () => {
    const controller = new AbortController();
    const f = failing(['Throttling 1', 'Throttling 2']);
    const p = retry(f.fn, { description: 'op', attempts: 3, delayMs: 10_000, retryable: table, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(p).rejects.toThrow('Throttling 1');
    expect(f.calls()).toBe(1);
  });

  test('rejects a bad attempts value, naming it', async () => {
    await expect(retry(async () => 1, { description: 'op', attempts: 0, delayMs: 1, retryable: table })).rejects.toThrow(
      'retry "op": attempts = 0; allowed: an integer >= 1',
    );
  });

  test('the tables classify the errors the drill meets', () => {
    const reason = (t: readonly ErrorPattern[], m: string) => t.find((p) => p.pattern.test(m))?.reason;
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'Error: RequestLimitExceeded: Request limit exceeded.')).toBe('API request rate limit');
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'read tcp 10.0.0.1:443: connection reset by peer')).toBe('network connection dropped');
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'Error: Error acquiring the state lock')).toMatch(/state is locked/);
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'InvalidStateException: Service is in OPERATION_IN_PROGRESS state')).toMatch(/App Runner/);
    expect(reason(RETRYABLE_AWS_ERRORS, 'An error occurred (ThrottlingException) when calling the DescribeService operation')).toBe(
      'API throttling',
    );
    expect(reason(FATAL_AWS_ERRORS, 'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation')).toMatch(
      /credentials/,
    );
    expect(reason(RETRYABLE_AWS_ERRORS, 'An error occurred (InvalidRequestException)')).toBeUndefined();
  });
});

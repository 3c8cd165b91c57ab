import { describe, expect, test } from '@jest/globals';
import {
  type ErrorPattern,
  RETRYABLE_AWS_ERRORS,
  RETRYABLE_TERRAFORM_ERRORS,
  FATAL_AWS_ERRORS,
  FATAL_TERRAFORM_ERRORS,
  PAUSE_NOT_STARTED,
  RULE_NOT_CHANGED,
  THROTTLING_ERRORS,
  firstLineOf,
  matchError,
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

describe('retry: delays, logs and bounds', () => {
  test('each delay is the last times the backoff, up to the bound', async () => {
    const logs: string[] = [];
    const f = failing(['Throttling 1', 'Throttling 2', 'Throttling 3', 'Throttling 4']);
    await retry(f.fn, {
      description: 'op',
      attempts: 5,
      delayMs: 1,
      backoff: 3,
      maxDelayMs: 5,
      retryable: table,
      log: (m) => logs.push(m),
    });
    expect(logs.map((l) => /retrying in (\d+) ms/.exec(l)?.[1])).toEqual(['1', '3', '5', '5']);
  });

  test('says why it stops: a fatal error, or the last attempt of a transient one', async () => {
    const logs: string[] = [];
    await expect(
      retry(failing(['AccessDenied']).fn, {
        description: 'op',
        attempts: 3,
        delayMs: 1,
        retryable: table,
        fatal,
        log: (m) => logs.push(m),
      }),
    ).rejects.toThrow('AccessDenied');
    await expect(
      retry(failing(['Throttling 1', 'Throttling 2']).fn, {
        description: 'op',
        attempts: 2,
        delayMs: 1,
        retryable: table,
        log: (m) => logs.push(m),
      }),
    ).rejects.toThrow('Throttling 2');
    expect(logs).toEqual([
      'op: not retrying (missing permission)',
      'op: attempt 1/2 failed (API throttling); retrying in 1 ms',
      'op: giving up after 2 attempts (API throttling)',
    ]);
  });

  test('an error after the signal was aborted is thrown at once, even a retryable one', async () => {
    const controller = new AbortController();
    controller.abort();
    const f = failing(['Throttling 1']);
    await expect(retry(f.fn, { description: 'op', attempts: 3, delayMs: 1, retryable: table, signal: controller.signal })).rejects.toThrow(
      'Throttling 1',
    );
    expect(f.calls()).toBe(1);
  });

  test('refuses attempts and delays it cannot follow, naming the value', async () => {
    const run = (attempts: number, delayMs: number) => retry(async () => 1, { description: 'op', attempts, delayMs, retryable: table });
    await expect(run(1.5, 1)).rejects.toThrow('retry "op": attempts = 1.5; allowed: an integer >= 1');
    await expect(run(1, -1)).rejects.toThrow('retry "op": delayMs = -1; allowed: >= 0');
    await expect(run(1, Number.NaN)).rejects.toThrow('retry "op": delayMs = NaN; allowed: >= 0');
    await expect(run(1, 0)).resolves.toBe(1);
  });
});

describe('matchError and firstLineOf', () => {
  test("a failed command's stderr is matched as well as its message", () => {
    const withStderr = Object.assign(new Error('aws failed (exit code 254)'), { stderr: 'An error occurred (ThrottlingException)' });
    expect(matchError(withStderr, table)?.reason).toBe('API throttling');
    expect(matchError('Throttling as a string', table)?.reason).toBe('API throttling');
    expect(matchError(new Error('something else'), table)).toBeUndefined();
  });

  test('one line of an error: the first and the last non-empty lines', () => {
    expect(firstLineOf(new Error('aws failed: aws apprunner pause-service\n\n  An error occurred (X)\n  \n'))).toBe(
      'aws failed: aws apprunner pause-service -- An error occurred (X)',
    );
    expect(firstLineOf(new Error('one line'))).toBe('one line');
    expect(firstLineOf('\n')).toBe('');
    expect(firstLineOf(42)).toBe('42');
  });
});

describe('the tables', () => {
  const reason = (t: readonly ErrorPattern[], m: string) => t.find((p) => p.pattern.test(m))?.reason;

  test('a refusal of a fault call is told apart from an answer that may hide a started fault', () => {
    const refusals: [readonly ErrorPattern[], string, string[]][] = [
      [
        PAUSE_NOT_STARTED,
        'PauseService',
        [
          'InvalidStateException',
          'InvalidRequestException',
          'ResourceNotFoundException',
          'AccessDeniedException',
          'UnrecognizedClientException',
        ],
      ],
      [
        RULE_NOT_CHANGED,
        'ModifyRule',
        ['RuleNotFound', 'TargetGroupNotFound', 'ValidationError', 'OperationNotPermitted', 'UnauthorizedOperation'],
      ],
    ];
    for (const [t, operation, codes] of refusals) {
      for (const code of codes) {
        const m = `An error occurred (${code}) when calling the ${operation} operation`;
        expect({ m, refused: reason(t, m) !== undefined }).toEqual({ m, refused: true });
      }
    }
    for (const m of [
      'An error occurred (InternalServiceErrorException) (500) when calling the PauseService operation',
      'aws failed (timed out after 30000 ms): aws apprunner pause-service',
      'Connection reset by peer',
      'The operation was aborted',
    ])
      expect({ m, pause: reason(PAUSE_NOT_STARTED, m), rule: reason(RULE_NOT_CHANGED, m) }).toEqual({
        m,
        pause: undefined,
        rule: undefined,
      });
  });

  test('transient AWS errors are retried, each with its reason; throttling alone makes polls back off', () => {
    const cases: [string, string][] = [
      ['An error occurred (TooManyRequestsException) when calling the ListOperations operation', 'API throttling'],
      ['An error occurred (RequestLimitExceeded) when calling the DescribeRules operation', 'API request rate limit'],
      ['An error occurred (ServiceUnavailable) when calling the DescribeService operation', 'AWS-side 5xx error'],
      ['An error occurred (503) when calling the GetDistribution operation: Service Unavailable', 'AWS-side 5xx error'],
      ['Connection reset by peer', 'network connection dropped'],
      ['Connection was closed before we received a valid response from endpoint URL', 'network connection dropped'],
      ['Could not connect to the endpoint URL: "https://apprunner.us-east-1.amazonaws.com/"', 'endpoint unreachable (network blip)'],
      ['aws failed (timed out after 30000 ms): aws apprunner describe-service', 'the call timed out'],
    ];
    for (const [m, why] of cases) expect({ m, why: reason(RETRYABLE_AWS_ERRORS, m) }).toEqual({ m, why });
    expect(reason(THROTTLING_ERRORS, 'Rate exceeded')).toBe('API throttling');
    expect(reason(THROTTLING_ERRORS, 'An error occurred (InternalFailure)')).toBeUndefined();
    expect(reason(RETRYABLE_AWS_ERRORS, 'aws failed (exit code 255)')).toBeUndefined();
  });

  test('errors no retry fixes end terraform and AWS calls at once', () => {
    for (const m of [
      'Error: Unsupported argument',
      'Error: Invalid value for variable',
      'Error: No valid credential sources found',
      'Error: AccessDenied: User is not authorized to perform: apprunner:PauseService',
    ])
      expect({ m, fatal: reason(FATAL_TERRAFORM_ERRORS, m) !== undefined }).toEqual({ m, fatal: true });
    expect(reason(FATAL_TERRAFORM_ERRORS, 'Error: ResourceNotFoundException')).toBeUndefined();
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'Error: DistributionNotDisabled')).toMatch(/disabling/);
    expect(reason(RETRYABLE_TERRAFORM_ERRORS, 'Error: Failed to install provider')).toMatch(/registry/);
    expect(reason(FATAL_AWS_ERRORS, 'An error occurred (NoSuchDistribution)')).toBe('the resource does not exist');
  });
});

test('every entry of every table says why, for the log line of a retry or a refusal', () => {
  const tables = {
    FATAL_AWS_ERRORS,
    RETRYABLE_AWS_ERRORS,
    THROTTLING_ERRORS,
    RETRYABLE_TERRAFORM_ERRORS,
    FATAL_TERRAFORM_ERRORS,
    PAUSE_NOT_STARTED,
    RULE_NOT_CHANGED,
  };
  for (const [name, table] of Object.entries(tables)) {
    expect({ name, empty: table.length === 0 }).toEqual({ name, empty: false });
    for (const p of table)
      expect({ name, pattern: p.pattern, reason: p.reason }).toEqual({
        name,
        pattern: p.pattern,
        reason: expect.stringMatching(/\w+ \w+/),
      });
  }
});

test('a retry is logged only when one follows: none after an abort, none for an error no pattern matches', async () => {
  const logs: string[] = [];
  const controller = new AbortController();
  controller.abort();
  const opts = { description: 'op', attempts: 3, delayMs: 1, retryable: table, log: (m: string) => logs.push(m) };
  await expect(retry(failing(['Throttling 1']).fn, { ...opts, signal: controller.signal })).rejects.toThrow('Throttling 1');
  await expect(retry(failing(['something else']).fn, opts)).rejects.toThrow('something else');
  expect(logs).toEqual([]);
});

/** Each fault's expected failover time from the origin settings, and the default threshold that follows. */
import {
  expectationRefusal,
  expectedFailover,
  FAILOVER_MARGIN_SECONDS,
  failoverThreshold,
  type FailoverSettings,
} from '../../harness/analysis/expected-failover.js';
import type { Fault } from '../../harness/targets/target.js';

const O: FailoverSettings = { primary: { connectionAttempts: 3, connectionTimeoutSeconds: 2, readTimeoutSeconds: 7 } };

test.each<[Fault, number | null, boolean]>([
  [{ kind: 'pause' }, 0, true],
  [{ kind: 'error', status: 503 }, 0, true],
  [{ kind: 'refuse' }, 0, true],
  [{ kind: 'blackhole' }, 21, true],
  [{ kind: 'unreachable' }, 6, true],
  [{ kind: 'slow', ms: 7000 }, 21, true],
  [{ kind: 'slow', ms: 6999 }, null, false],
])('%j: expected %p s', (fault, seconds, failsOver) => {
  const e = expectedFailover(fault, O);
  expect(e.seconds).toBe(seconds);
  expect(e.failsOver).toBe(failsOver);
});

test('the basis names the settings it multiplies', () => {
  expect(expectedFailover({ kind: 'blackhole' }, O).basis).toBe(
    'the primary accepts and never answers: 3 connection attempt(s) × 7 s read timeout',
  );
  expect(expectedFailover({ kind: 'unreachable' }, O).basis).toBe(
    "the primary's handshake never completes: 3 connection attempt(s) × 2 s connection timeout",
  );
  expect(expectedFailover({ kind: 'slow', ms: 100 }, O).basis).toBe(
    'the primary answers after 100 ms, within the 7 s read timeout: the edge does not fail over',
  );
});

test('without origin settings, faults that depend on them have no bound; the others still do', () => {
  expect(expectedFailover({ kind: 'blackhole' }, undefined)).toMatchObject({ seconds: null, fault: 'blackhole' });
  expect(expectedFailover({ kind: 'unreachable' }, undefined).seconds).toBeNull();
  expect(expectedFailover({ kind: 'slow', ms: 5 }, undefined).seconds).toBeNull();
  expect(expectedFailover({ kind: 'pause' }, undefined).seconds).toBe(0);
});

test('the default threshold is the bound plus the stated margin; a given one wins', () => {
  const hung = expectedFailover(
    { kind: 'blackhole' },
    { primary: { connectionAttempts: 1, connectionTimeoutSeconds: 2, readTimeoutSeconds: 5 } },
  );
  expect(FAILOVER_MARGIN_SECONDS).toBe(5);
  expect(failoverThreshold(undefined, hung)).toEqual({
    seconds: 10,
    source: 'derived',
    marginSeconds: 5,
    text: 'failover threshold 10 s = expected 5 s (the primary accepts and never answers: 1 connection attempt(s) × 5 s read timeout) + 5 s margin',
  });
  expect(failoverThreshold(3, hung)).toMatchObject({ seconds: 3, source: 'given' });
  expect(failoverThreshold(0, hung).seconds).toBe(0);
  const unknown = expectedFailover({ kind: 'blackhole' }, undefined);
  expect(failoverThreshold(undefined, unknown)).toMatchObject({ seconds: 5, source: 'derived' });
  expect(failoverThreshold(undefined, unknown).text).toContain('the 5 s margin alone');
});

describe('the failover settings the stack synthesized decide whether a fault fails over', () => {
  const codes = (statusCodes: number[]): FailoverSettings => ({ ...O, statusCodes });

  test.each<[Fault, number[], boolean, string]>([
    [
      { kind: 'error', status: 501 },
      [404, 500, 502, 503, 504],
      false,
      'use a fault whose status the group fails over on (e.g. --fault error:404): CloudFront fails over only on 400, 403, 404, 416, 500, 502, 503, 504, never on 501',
    ],
    [{ kind: 'error', status: 403 }, [404, 500], false, 'add 403 to failover.statusCodes'],
    [{ kind: 'error', status: 403 }, [403], true, ''],
    [{ kind: 'pause' }, [500, 502, 503, 504], false, 'add 404 to failover.statusCodes'],
    [{ kind: 'pause' }, [404], true, ''],
    [{ kind: 'refuse' }, [], true, ''],
    [{ kind: 'blackhole' }, [], true, ''],
  ])('%j with codes %j: fails over %p', (fault, statusCodes, failsOver, fix) => {
    const e = expectedFailover(fault, codes(statusCodes));
    expect(e.failsOver).toBe(failsOver);
    if (!failsOver) {
      expect(e.seconds).toBeNull();
      expect(e.fix).toBe(fix);
      expect(e.basis).toContain(`(${statusCodes.join(', ')})`);
    }
  });

  test('a probe path whose behavior targets one origin never fails over', () => {
    const e = expectedFailover({ kind: 'blackhole' }, { ...O, probeTarget: 'primary', probePath: '/api/x' });
    expect(e).toMatchObject({ failsOver: false, seconds: null });
    expect(e.basis).toContain('/api/x');
    expect(e.fix).toContain('--probe-path');
  });

  test('a slow primary within the read timeout: what to change', () => {
    expect(expectedFailover({ kind: 'slow', ms: 300 }, O).fix).toBe(
      'use --fault slow:7000 or longer, or lower the origin read timeout below 0.3 s',
    );
  });

  test('a run that cannot show what it expects is refused with the reason and the fix', () => {
    const e501 = expectedFailover({ kind: 'error', status: 501 }, codes([404, 500, 502, 503, 504]));
    expect(expectationRefusal(e501, 'failover')).toBe(
      '--fault error:501 cannot make the edge fail over with this stack: the primary answers 501, which is not among the ' +
        "origin group's failover status codes (404, 500, 502, 503, 504): the edge passes it to viewers. To drill a failover, " +
        'use a fault whose status the group fails over on (e.g. --fault error:404): CloudFront fails over only on 400, 403, 404, ' +
        '416, 500, 502, 503, 504, never on 501; to show on purpose that it is not failed over, add --expect no-failover',
    );
    expect(expectationRefusal(e501, 'no-failover')).toBeUndefined();
    const pause = expectedFailover({ kind: 'pause' }, codes([404]));
    expect(expectationRefusal(pause, 'failover')).toBeUndefined();
    expect(expectationRefusal(pause, 'no-failover')).toContain('this fault makes the edge fail over');
  });
});

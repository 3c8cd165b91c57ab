/** Each fault's expected failover time from the origin settings, and the default threshold that follows. */
import { expectedFailover, FAILOVER_MARGIN_SECONDS, failoverThreshold } from '../../harness/analysis/expected-failover.js';
import type { Fault, OriginTimeouts } from '../../harness/targets/target.js';

const O: OriginTimeouts = { connectionAttempts: 3, connectionTimeoutSeconds: 2, readTimeoutSeconds: 7 };

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
  const hung = expectedFailover({ kind: 'blackhole' }, { connectionAttempts: 1, connectionTimeoutSeconds: 2, readTimeoutSeconds: 5 });
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

/**
 * The expected failover's rules: which settings stop a fault from failing over (the probe path's
 * target, the group's methods, its status codes) and what each refusal says to change, the bound
 * of each fault kind at the read timeout's edge, and the threshold's sentence for each case.
 */
import { describe, expect, test } from '@jest/globals';
import {
  expectationRefusal,
  expectedFailover,
  failoverThreshold,
  type ExpectedFailover,
  type FailoverSettings,
} from '../../harness/analysis/expected-failover.js';

const O: FailoverSettings = { primary: { connectionAttempts: 3, connectionTimeoutSeconds: 2, readTimeoutSeconds: 7 } };

describe('settings that stop any fault from failing over', () => {
  test('a probe path whose behavior targets the group fails over; one that targets either origin alone does not', () => {
    expect(expectedFailover({ kind: 'pause' }, { ...O, probeTarget: 'group' })).toMatchObject({ failsOver: true, seconds: 0 });
    const secondary = expectedFailover({ kind: 'pause' }, { ...O, probeTarget: 'secondary' });
    expect(secondary).toEqual({
      fault: 'pause',
      seconds: null,
      failsOver: false,
      basis: 'the behavior for / sends GETs to the secondary alone, not to the origin group: nothing fails over',
      fix: 'use --probe-path with a path whose behavior targets the origin group',
    });
  });

  test('a group that does not fail over GET: the methods it does fail over are named', () => {
    expect(expectedFailover({ kind: 'refuse' }, { ...O, failoverMethods: ['HEAD', 'OPTIONS'] })).toEqual({
      fault: 'refuse',
      seconds: null,
      failsOver: false,
      basis: 'the origin group fails over HEAD, OPTIONS, not GET',
      fix: 'let the group fail over GET requests',
    });
    expect(expectedFailover({ kind: 'refuse' }, { ...O, failoverMethods: [] }).basis).toBe(
      'the origin group fails over no method, not GET',
    );
    expect(expectedFailover({ kind: 'refuse' }, { ...O, failoverMethods: ['HEAD', 'GET'] })).toMatchObject({ failsOver: true, seconds: 0 });
  });
});

describe('status faults', () => {
  test('a status among the failover codes fails over at once, and the basis says what the primary answers', () => {
    expect(expectedFailover({ kind: 'error', status: 503 }, { ...O, statusCodes: [500, 503] })).toEqual({
      fault: 'error:503',
      seconds: 0,
      failsOver: true,
      basis: 'the primary answers 503, a failover status code: the edge fails over at once',
    });
    expect(expectedFailover({ kind: 'pause' }, O).basis).toBe(
      'a paused primary answers 404, a failover status code: the edge fails over at once',
    );
  });

  test('a group with no failover codes: the refusal says none, and suggests 503', () => {
    const e = expectedFailover({ kind: 'error', status: 501 }, { ...O, statusCodes: [] });
    expect(e).toMatchObject({ failsOver: false, seconds: null });
    expect(e.basis).toBe(
      "the primary answers 501, which is not among the origin group's failover status codes (none): the edge passes it to viewers",
    );
    expect(e.fix).toContain('--fault error:503');
  });
});

describe('timing faults', () => {
  test('a refused connection fails over at once', () => {
    expect(expectedFailover({ kind: 'refuse' }, O)).toEqual({
      fault: 'refuse',
      seconds: 0,
      failsOver: true,
      basis: 'the primary refuses connections: each attempt fails at once',
    });
  });

  test('a hung primary costs attempts × read timeout; an unreachable one attempts × connection timeout', () => {
    const settings: FailoverSettings = { primary: { connectionAttempts: 2, connectionTimeoutSeconds: 3, readTimeoutSeconds: 11 } };
    expect(expectedFailover({ kind: 'blackhole' }, settings)).toMatchObject({ seconds: 22, failsOver: true, fault: 'blackhole' });
    expect(expectedFailover({ kind: 'unreachable' }, settings)).toMatchObject({ seconds: 6, failsOver: true, fault: 'unreachable' });
    expect(expectedFailover({ kind: 'slow', ms: 11000 }, settings)).toMatchObject({ seconds: 22, failsOver: true, fault: 'slow:11000' });
  });

  test('without origin settings, each timing fault says which rule would apply', () => {
    expect(expectedFailover({ kind: 'blackhole' }, undefined)).toEqual({
      fault: 'blackhole',
      seconds: null,
      failsOver: true,
      basis: 'the origin settings are unknown (the bound would be connection attempts × read timeout)',
    });
    expect(expectedFailover({ kind: 'unreachable' }, undefined).basis).toBe(
      'the origin settings are unknown (the bound would be connection attempts × connection timeout)',
    );
    expect(expectedFailover({ kind: 'slow', ms: 5 }, undefined)).toMatchObject({
      failsOver: true,
      basis:
        'the origin settings are unknown (the bound would be connection attempts × read timeout, if the delay exceeds the read timeout)',
    });
  });
});

describe('expectationRefusal', () => {
  test('a fault without a fix of its own is told to change', () => {
    const e: ExpectedFailover = { fault: 'slow:5', seconds: null, failsOver: false, basis: 'it answers in time' };
    expect(expectationRefusal(e, 'failover')).toBe(
      '--fault slow:5 cannot make the edge fail over with this stack: it answers in time. To drill a failover, change the fault; ' +
        'to show on purpose that it is not failed over, add --expect no-failover',
    );
  });

  test('a fault that fails over cannot be a negative control: the refusal names it and why', () => {
    expect(expectationRefusal(expectedFailover({ kind: 'refuse' }, O), 'no-failover')).toBe(
      '--expect no-failover with --fault refuse: this fault makes the edge fail over (the primary refuses connections: each attempt fails at once); ' +
        'drop --expect no-failover, or pick a fault the stack does not fail over on',
    );
    expect(expectationRefusal(expectedFailover({ kind: 'refuse' }, O), 'failover')).toBeUndefined();
  });
});

describe('failoverThreshold', () => {
  test('a given threshold names the expected bound when there is one, and nothing when there is none', () => {
    const bounded = expectedFailover({ kind: 'unreachable' }, O);
    expect(failoverThreshold(4, bounded)).toEqual({
      seconds: 4,
      source: 'given',
      marginSeconds: 5,
      text: "failover threshold 4 s, as given (expected failover 6 s: the primary's handshake never completes: 3 connection attempt(s) × 2 s connection timeout)",
    });
    expect(failoverThreshold(4, expectedFailover({ kind: 'unreachable' }, undefined)).text).toBe('failover threshold 4 s, as given');
  });

  test('derived without a bound: the margin alone, and why', () => {
    expect(failoverThreshold(undefined, expectedFailover({ kind: 'blackhole' }, undefined))).toEqual({
      seconds: 5,
      source: 'derived',
      marginSeconds: 5,
      text: 'failover threshold 5 s: the 5 s margin alone, since the origin settings are unknown (the bound would be connection attempts × read timeout)',
    });
  });
});

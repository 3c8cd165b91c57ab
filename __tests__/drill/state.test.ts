/**
 * The drill's state on its own: a new state claims nothing happened yet; the cleanup owes a clear
 * exactly while a fault of this run may be in effect; "resumed" is true only after a clear, null
 * when nothing was faulted; the expected failover is refined only by the primary's deployed timeouts.
 */
import { expect, test } from '@jest/globals';
import { DEFAULT_DRILL_SETTINGS, type DrillSettings } from '../../harness/drill/settings.js';
import {
  createDrillState,
  effectiveThresholds,
  primaryNeedsClearing,
  primaryResumed,
  refineExpectedFailover,
  type PrimaryState,
} from '../../harness/drill/state.js';
import { expectedFailover, failoverThreshold } from '../../harness/analysis/expected-failover.js';
import type { Endpoints } from '../../harness/targets/target.js';

const BLACKHOLE: DrillSettings = { ...DEFAULT_DRILL_SETTINGS, fault: { kind: 'blackhole' } };
const fresh = (settings: DrillSettings = BLACKHOLE) => createDrillState({ runId: 'r1', target: 'local', settings, startedAt: 1234 });

const PRIMARY_TIMEOUTS = { connectionAttempts: 3, connectionTimeoutSeconds: 2, readTimeoutSeconds: 5 };
const endpoints = (originTimeouts?: Endpoints['originTimeouts']): Endpoints => ({
  edgeUrl: 'http://127.0.0.1:1',
  origins: {
    primary: { role: 'primary', region: 'us-east-1', url: 'http://127.0.0.1:2', headers: {} },
    secondary: { role: 'secondary', region: 'us-west-2', url: 'http://127.0.0.1:3', headers: {} },
  },
  servedByHeader: 'x-served-by',
  details: {},
  ...(originTimeouts ? { originTimeouts } : {}),
});

test('a new state: at preflight, nothing faulted, probed, cleaned up, observed, switched or aborted', () => {
  const state = fresh();
  expect(state).toEqual({
    runId: 'r1',
    target: 'local',
    startedAt: 1234,
    current: 'preflight',
    phases: [],
    primary: 'untouched',
    probes: [],
    skippedTicks: 0,
    expectedFailover: expectedFailover(BLACKHOLE.fault, undefined),
    failoverThreshold: failoverThreshold(undefined, expectedFailover(BLACKHOLE.fault, undefined)),
    cleanup: [],
    observations: [],
    routesWrites: false,
    writeSwitches: [],
  });
  expect(primaryNeedsClearing(state)).toBe(false);
  expect(primaryResumed(state)).toBeNull();
});

test.each<[PrimaryState, boolean, boolean | null]>([
  ['untouched', false, null],
  ['fault-requested', true, false],
  ['faulted', true, false],
  ['restored', false, true],
  ['nothing-to-clear', false, null],
])('primary %s: the cleanup owes a clear: %s; resumed: %s', (primary, needsClearing, resumed) => {
  const state = fresh();
  state.primary = primary;
  expect(primaryNeedsClearing(state)).toBe(needsClearing);
  expect(primaryResumed(state)).toBe(resumed);
  // A run whose primary may still be faulted never reads as resumed.
  if (needsClearing) expect(primaryResumed(state)).toBe(false);
});

test("endpoints without the origin's timeouts leave the expected failover and the threshold as they were", () => {
  const state = fresh();
  const before = { expected: state.expectedFailover, threshold: state.failoverThreshold };
  refineExpectedFailover(state, BLACKHOLE, endpoints());
  expect({ expected: state.expectedFailover, threshold: state.failoverThreshold }).toEqual(before);
  expect(state.expectedFailover.seconds).toBeNull();
});

test("endpoints without the origin's timeouts keep what the synthesized stack's settings said", () => {
  const settings: DrillSettings = { ...BLACKHOLE, failoverSettings: { primary: PRIMARY_TIMEOUTS } };
  const state = fresh(settings);
  const expected = expectedFailover(settings.fault, { primary: PRIMARY_TIMEOUTS });
  expect(expected.seconds).not.toBeNull();
  expect(state.expectedFailover).toEqual(expected);
  refineExpectedFailover(state, settings, endpoints());
  expect(state.expectedFailover).toEqual(expected);
  expect(state.failoverThreshold).toEqual(failoverThreshold(undefined, expected));
});

test("the deployed primary's timeouts refine the expected failover, and the derived threshold with it", () => {
  const state = fresh();
  const secondary = { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 1 };
  refineExpectedFailover(state, BLACKHOLE, endpoints({ primary: PRIMARY_TIMEOUTS, secondary }));
  const expected = expectedFailover(BLACKHOLE.fault, { primary: PRIMARY_TIMEOUTS });
  expect(state.expectedFailover).toEqual(expected);
  expect(expected.seconds).not.toBeNull();
  expect(state.failoverThreshold).toEqual(failoverThreshold(undefined, expected));
  expect(state.failoverThreshold.source).toBe('derived');
});

test("refining keeps the stack's other failover settings and the user's threshold", () => {
  // The probe path's behavior sends GETs to the primary alone: nothing fails over, whatever the timeouts.
  const settings: DrillSettings = {
    ...BLACKHOLE,
    thresholds: { ...BLACKHOLE.thresholds, failoverSeconds: 7 },
    failoverSettings: { primary: { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 1 }, probeTarget: 'primary' },
  };
  const state = fresh(settings);
  refineExpectedFailover(state, settings, endpoints({ primary: PRIMARY_TIMEOUTS, secondary: PRIMARY_TIMEOUTS }));
  expect(state.expectedFailover.failsOver).toBe(false);
  expect(state.failoverThreshold).toMatchObject({ seconds: 7, source: 'given' });
});

test("the verdict's thresholds are the user's, with the failover threshold the state settled on", () => {
  const state = fresh();
  refineExpectedFailover(state, BLACKHOLE, endpoints({ primary: PRIMARY_TIMEOUTS, secondary: PRIMARY_TIMEOUTS }));
  expect(effectiveThresholds(state, BLACKHOLE)).toEqual({ ...BLACKHOLE.thresholds, failoverSeconds: state.failoverThreshold.seconds });
});

/**
 * toRunRecord over hand-made drill states: the exit code follows the primary's standing and the
 * teardown, not only the verdict; the expected failover bound and the threshold are in the data.
 */
import { toRunRecord } from '../../harness/report/to-run-record.js';
import { exitCodeFor, rejudge } from '../../harness/report/run-record.js';
import { DEFAULT_DRILL_SETTINGS, type DrillSettings } from '../../harness/drill/settings.js';
import { createDrillState, refineExpectedFailover, type DrillState, type PrimaryState } from '../../harness/drill/state.js';
import type { Endpoints } from '../../harness/targets/target.js';
import { healthyDrill, T0 } from '../analysis/timelines.js';

const ENDPOINTS: Endpoints = {
  edgeUrl: 'http://127.0.0.1:1000',
  origins: {
    primary: { role: 'primary', region: 'us-east-1', url: 'http://127.0.0.1:1001', headers: { 'x-origin-verify': 'secret' } },
    secondary: { role: 'secondary', region: 'us-west-2', url: 'http://127.0.0.1:1002', headers: { 'x-origin-verify': 'secret' } },
  },
  servedByHeader: 'x-served-by',
  details: {},
  originTimeouts: {
    primary: { connectionAttempts: 2, connectionTimeoutSeconds: 3, readTimeoutSeconds: 4 },
    secondary: { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 1 },
  },
};

function finishedState(primary: PrimaryState, settings: DrillSettings = DEFAULT_DRILL_SETTINGS): DrillState {
  const timeline = healthyDrill();
  const state = createDrillState({ runId: 'r', target: 'local', settings, startedAt: T0 - 500 });
  state.phases.push(...timeline.phases);
  state.probes = timeline.probes;
  state.endpoints = ENDPOINTS;
  refineExpectedFailover(state, settings, ENDPOINTS);
  state.primary = primary;
  state.cleanup = [
    { name: 'resume the primary', status: 'skipped', detail: 'nothing to undo', durationMs: 0 },
    { name: 'teardown', status: 'ran', detail: 'fake world stopped', durationMs: 3 },
  ];
  state.teardown = { ok: true, detail: 'fake world stopped' };
  return state;
}

test('a healthy drill whose primary was restored exits 0', () => {
  const run = toRunRecord(finishedState('restored'), DEFAULT_DRILL_SETTINGS);
  expect(run.verdict.outcome).toBe('passed');
  expect(run.primaryResumed).toBe(true);
  expect(run.exitCode).toBe(0);
});

test.each(['faulted', 'fault-requested'] as const)('a primary left %s exits 3 although the verdict passed', (primary) => {
  const run = toRunRecord(finishedState(primary), DEFAULT_DRILL_SETTINGS);
  expect(run.verdict.outcome).toBe('passed');
  expect(run.primaryResumed).toBe(false);
  expect(run.exitCode).toBe(3);
  expect(exitCodeFor({ ...run, primaryResumed: false })).toBe(3);
});

test('a run that never faulted the primary says so with null, not with a resume', () => {
  for (const primary of ['untouched', 'nothing-to-clear'] as const) {
    expect(toRunRecord(finishedState(primary), DEFAULT_DRILL_SETTINGS).primaryResumed).toBeNull();
  }
});

test('exit codes come from EXIT: usage abort 2, any other abort 3, failed teardown 3, else the verdict', () => {
  const run = toRunRecord(finishedState('restored'), DEFAULT_DRILL_SETTINGS);
  expect(exitCodeFor({ ...run, abort: { phase: 'preflight', cause: 'error', reason: 'x', errorKind: 'usage' } })).toBe(2);
  expect(exitCodeFor({ ...run, abort: { phase: 'inject', cause: 'error', reason: 'x', errorKind: 'external' } })).toBe(3);
  expect(exitCodeFor({ ...run, abort: { phase: 'inject', cause: 'signal', reason: 'SIGINT' } })).toBe(3);
  expect(exitCodeFor({ ...run, teardown: { attempted: true, ok: false, detail: 'left' } })).toBe(3);
  expect(exitCodeFor({ ...run, verdict: { ...run.verdict, exitCode: 1 } })).toBe(1);
});

test('run.json carries the whole probe settings, the expected failover bound and the derived threshold; no origin headers', () => {
  const settings: DrillSettings = { ...DEFAULT_DRILL_SETTINGS, fault: { kind: 'blackhole' } };
  const run = toRunRecord(finishedState('restored', settings), settings);
  expect(run.settings.probe).toEqual(DEFAULT_DRILL_SETTINGS.probe);
  expect(run.settings.probe.connectTimeoutMs).toBe(2000);
  expect(run.settings.expectedFailover).toMatchObject({ fault: 'blackhole', seconds: 8, failsOver: true });
  expect(run.settings.failoverThreshold).toMatchObject({ seconds: 13, source: 'derived', marginSeconds: 5 });
  expect(run.settings.thresholds.failoverSeconds).toBe(13);
  expect(run.verdict.assertions.find((a) => a.id === 'failover-time')!.threshold).toBe(13);
  expect(JSON.stringify(run)).not.toContain('secret');
  expect(run.endpoints!.originTimeouts!.primary).toEqual({ connectionAttempts: 2, connectionTimeoutSeconds: 3, readTimeoutSeconds: 4 });
});

test('a threshold the user gave wins over the derived one, and re-judging records the new one', () => {
  const settings: DrillSettings = {
    ...DEFAULT_DRILL_SETTINGS,
    fault: { kind: 'unreachable' },
    thresholds: { ...DEFAULT_DRILL_SETTINGS.thresholds, failoverSeconds: 2 },
  };
  const run = toRunRecord(finishedState('restored', settings), settings);
  expect(run.settings.failoverThreshold).toMatchObject({ seconds: 2, source: 'given' });
  expect(run.settings.expectedFailover!.seconds).toBe(6);
  const again = rejudge(run, { failoverSeconds: 9 });
  expect(again.settings.thresholds.failoverSeconds).toBe(9);
  expect(again.settings.failoverThreshold).toMatchObject({ seconds: 9, source: 'given' });
});

/** The benchmark's pure helpers: statistics, the per-round penalty, and the target checks. */
import { roundResult, type Sample } from '../../bench/penalty.js';
import { evaluateTargets, fmtMs, type BenchResults, type MatrixCell } from '../../bench/report.js';
import { combineRuns, median, quantile, summarize } from '../../bench/stats.js';

describe('stats', () => {
  test('quantile interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 0, 20], 0.5)).toBe(10);
    expect(quantile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  test('quantile rejects q outside 0..1', () => {
    expect(() => quantile([1], 1.5)).toThrow('quantile q = 1.5: allowed: a number from 0 to 1');
  });

  test('summarize and combineRuns', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 2.9, max: 3 });
    const runs = [summarize([1, 1, 1]), summarize([2, 2, 9]), summarize([3, 3, 3])];
    const c = combineRuns(runs);
    expect(c.n).toBe(9);
    expect(c.p50).toBe(2);
    expect(c.max).toBe(9);
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });
});

describe('roundResult', () => {
  const ok = (ms: number, origin = 'primary', failover?: string): Sample => ({ ms, status: 200, edgeOrigin: origin, failover });
  test('penalty is the failed-over latency minus the baseline median; errors and stragglers are counted apart', () => {
    const base = [ok(1), ok(2), ok(3)];
    const during: Sample[] = [
      ok(5, 'secondary', 'status-404'),
      ok(7, 'secondary', 'status-404'),
      ok(2), // served by the primary: did not fail over
      { ms: 30, status: 502, edgeOrigin: 'primary' },
      { ms: 40, error: 'timeout' },
    ];
    const r = roundResult(base, during);
    expect(r.baseline.p50).toBe(2);
    expect(r.penalty.n).toBe(2);
    expect(r.penalty.p50).toBe(4);
    expect(r.penalty.max).toBe(5);
    expect(r.ratioP50).toBe(2);
    expect(r.viewerErrors).toBe(2);
    expect(r.notFailedOver).toBe(1);
    expect(r.reasons).toEqual({ 'status-404': 2 });
    expect(r.errorCodes).toEqual({ '502': 1, timeout: 1 });
  });
});

describe('evaluateTargets', () => {
  const summary = (p50: number, p95 = p50, max = p95) => ({ n: 10, p50, p95, max });
  const cell = (over: Partial<MatrixCell>): MatrixCell => ({
    profile: 'project',
    mode: 'pause',
    title: 'pause (404)',
    fault: 'pause',
    rounds: 5,
    getsPerRound: 60,
    concurrency: 1,
    bounded: null,
    baselineMs: summary(1),
    failedOverMs: summary(1.5),
    penaltyMs: summary(0.5, 2, 3),
    ratio: 0.5,
    faultGets: 60,
    viewerErrors: 0,
    notFailedOver: 0,
    reasons: {},
    attempts: {},
    drill: {
      failoverSeconds: 0.01,
      failbackSeconds: 0.01,
      viewerGets: 50,
      viewerGetErrors: 0,
      outcome: 'passed',
      args: [],
      runs: 1,
      notes: [],
    },
    ...over,
  });
  const results = (matrix: MatrixCell[], over: Partial<BenchResults> = {}): Omit<BenchResults, 'targets'> => ({
    version: 1,
    generatedAt: '2026-01-01T00:00:00.000Z',
    command: 'npm run bench',
    totalSeconds: 100,
    machine: { node: 'v20', platform: 'linux/x64', cpus: 2, loadAverage: [0, 0, 0] },
    profiles: [{ id: 'project', title: 'project settings', connectionAttempts: 1, connectionTimeoutSeconds: 2, readTimeoutSeconds: 5 }],
    matrix,
    synthesis: { cdktfSynth: { runs: 5, medianMs: 4000, samplesMs: [] }, appCommand: { runs: 5, medianMs: 1500, samplesMs: [] } },
    hclExport: { skipped: 'x' },
    drillWallTime: {
      process: { runs: 3, medianMs: 16_000, samplesMs: [] },
      drill: { runs: 3, medianMs: 5_000, samplesMs: [] },
      fault: 'pause',
    },
    bounded: [],
    ...over,
  });
  const byId = (r: Omit<BenchResults, 'targets'>) => Object.fromEntries(evaluateTargets(r).map((t) => [t.id, t]));

  test('met and missed, each for its own reason', () => {
    const t = byId(
      results([
        cell({}),
        cell({ mode: 'error503', title: 'error 503', penaltyMs: summary(1, 7.5) }), // limit 2 × 1 + 5 = 7
        cell({ mode: 'blackhole', title: 'blackhole', penaltyMs: summary(5000, 5010, 5020), viewerErrors: 1 }),
        cell({ mode: 'unreachable', title: 'unreachable', penaltyMs: summary(2100, 2150, 2300) }),
      ]),
    );
    expect(t['viewer-get-errors']!.status).toBe('missed');
    expect(t['viewer-get-errors']!.note).toContain('blackhole, project settings');
    expect(t['status-penalty']!.status).toBe('missed');
    expect(t['status-penalty']!.note).toContain('error 503, project settings');
    // blackhole is judged on the read bound: 5.02 s within 1 × 5 s + 10 %.
    expect(t['blackhole-penalty-project']!.status).toBe('met');
    expect(t['blackhole-penalty-project']!.detail).toContain('1 × 5 s + 10 % = 5.50 s');
    // unreachable is judged on the connection bound: 2.3 s over 1 × 2 s + 10 %.
    expect(t['unreachable-penalty-project']!.status).toBe('missed');
    expect(t['unreachable-penalty-project']!.detail).toContain('1 × 2 s + 10 % = 2.20 s');
    expect(t['synthesis']!.status).toBe('met');
    expect(t['local-drill']!.status).toBe('missed');
  });

  test('a clean run meets the error and 404/503 targets', () => {
    const t = byId(results([cell({}), cell({ mode: 'error503', title: 'error 503' })]));
    expect(t['viewer-get-errors']!.status).toBe('met');
    expect(t['status-penalty']!.status).toBe('met');
    expect(t['blackhole-penalty-project']!.status).toBe('not measured');
  });
});

test('fmtMs picks a readable unit', () => {
  expect(fmtMs(0.0712)).toBe('0.07 ms');
  expect(fmtMs(12.34)).toBe('12.3 ms');
  expect(fmtMs(5012)).toBe('5.01 s');
  expect(fmtMs(90_040)).toBe('90.0 s');
  expect(fmtMs(null)).toBe('—');
});

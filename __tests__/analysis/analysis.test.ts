import { attribute, roleFromServedBy } from '../../harness/analysis/attribution.js';
import { latencyStats, measure, type Measurements } from '../../harness/analysis/measure.js';
import { DEFAULT_THRESHOLDS, judge, negativeControl } from '../../harness/analysis/verdict.js';
import type { Timeline } from '../../harness/analysis/timeline.js';
import { direct, edge, healthyDrill, phaseAt, phases, STANDARD_PHASES, T0, times, write } from './timelines.js';

const verdictOf = (timeline: Timeline, thresholds = DEFAULT_THRESHOLDS) =>
  judge({ measurements: measure(timeline), thresholds, phases: timeline.phases });
const assertion = (timeline: Timeline, id: string, thresholds = DEFAULT_THRESHOLDS) =>
  verdictOf(timeline, thresholds).assertions.find((a) => a.id === id)!;

describe('roleFromServedBy', () => {
  test.each([
    ['primary/us-east-1', 'primary'],
    ['secondary/us-west-2', 'secondary'],
    [' Secondary / eu-west-1 ', 'secondary'],
    ['envoy', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %j', (value, role) => {
    expect(roleFromServedBy(value)).toBe(role);
  });
});

describe('a healthy drill', () => {
  const timeline = healthyDrill();
  // Measured in each test, not when the file loads: code run at load is covered by no test, and
  // mutation testing then runs every test of the place for each of its mutants.
  let m: Measurements;
  beforeEach(() => {
    m = measure(timeline);
  });

  test('failover time is the first secondary-served response minus the first failed direct probe', () => {
    // Primary fails at 1.05 (direct probe); the edge GET sent at 1.1 is served by the secondary at 1.105.
    expect(m.failover.observed).toBe(true);
    expect(m.failover.originChangedAt).toBe(T0 + 1050);
    expect(m.failover.edgeSwitchedAt).toBe(T0 + 1105);
    expect(m.failover.seconds).toBeCloseTo(0.055, 6);
    expect(m.failover.early).toBe(false);
    expect(m.failover.flaps).toBe(0);
  });

  test('failback time is the first primary-served response minus the first good direct probe after recovery', () => {
    expect(m.failback.originChangedAt).toBe(T0 + 3050);
    expect(m.failback.seconds).toBeCloseTo(0.055, 6);
  });

  test('steady state: both origins answered and the primary served every edge GET', () => {
    expect(m.steady.originsAnswered).toEqual({ primary: true, secondary: true });
    expect(m.steady.longestPrimaryRun).toBe(10);
    expect(m.steady.secondaryServed).toBe(0);
  });

  test('per phase: who served, errors and latency', () => {
    const failover = m.phases.find((p) => p.phase === 'failover')!;
    expect(failover.servedBy).toEqual({ primary: 0, secondary: 19, unknown: 0 });
    expect(failover.viewerGets).toEqual({ probes: 19, errors: 0, rate: 0, codes: {} });
    expect(failover.direct.primary.errors).toBe(19);
    expect(failover.latency).toEqual({ count: 19, p50Ms: 5, p95Ms: 5, maxMs: 5 });
    expect(m.phases.map((p) => p.phase)).toEqual(['steady', 'inject', 'failover', 'recover', 'failback']);
  });

  test('passes every assertion', () => {
    const v = verdictOf(timeline);
    expect(v.outcome).toBe('passed');
    expect(v.exitCode).toBe(0);
    expect(v.assertions.map((a) => [a.id, a.status])).toEqual([
      ['origins-answer', 'passed'],
      ['primary-serves', 'passed'],
      ['failover-time', 'passed'],
      ['failback-time', 'passed'],
      ['viewer-get-errors', 'passed'],
    ]);
    expect(v.summary).toBe('PASSED: failover 0.055 s, failback 0.055 s, 0 viewer GET errors in 50 probes');
  });
});

describe('slow failover and viewer errors', () => {
  // The edge keeps answering the primary's 404 for 6 s after the primary fails.
  const timeline = healthyDrill({ failoverLagS: 1.5 });
  // Measured in each test, not when the file loads: code run at load is covered by no test, and
  // mutation testing then runs every test of the place for each of its mutants.
  let m: Measurements;
  beforeEach(() => {
    m = measure(timeline);
  });

  test('failover time includes the lag, and the errors are counted per phase with their codes', () => {
    expect(m.failover.seconds).toBeCloseTo(1.555, 6);
    const failover = m.phases.find((p) => p.phase === 'failover')!;
    expect(failover.viewerGets.errors).toBe(15);
    expect(failover.viewerGets.codes).toEqual({ '404': 15 });
    expect(failover.viewerGets.rate).toBeCloseTo(15 / 19, 6);
    expect(m.totals.viewerGets).toMatchObject({ probes: 50, errors: 15 });
  });

  test('the verdict fails on the threshold, naming the measured value and the threshold', () => {
    const v = verdictOf(timeline, { ...DEFAULT_THRESHOLDS, failoverSeconds: 1 });
    expect(v.outcome).toBe('failed');
    expect(v.exitCode).toBe(1);
    const fo = v.assertions.find((a) => a.id === 'failover-time')!;
    expect(fo).toMatchObject({ status: 'failed', measured: 1.555, threshold: 1 });
    expect(fo.message).toBe('failover took 1.555 s; measured 1.555 s, threshold at most 1 s');
    const errors = v.assertions.find((a) => a.id === 'viewer-get-errors')!;
    expect(errors).toMatchObject({ status: 'failed', measured: 15, threshold: 0 });
    expect(errors.message).toBe('15 of 50 edge GETs failed (404×15); measured 15, threshold at most 0 errors');
  });

  test('with a looser budget the same timeline passes', () => {
    const v = verdictOf(timeline, { ...DEFAULT_THRESHOLDS, maxViewerGetErrors: 15 });
    expect(v.outcome).toBe('passed');
  });

  test('timeouts and refused connections are counted by name', () => {
    const t: Timeline = {
      phases: STANDARD_PHASES,
      probes: [
        edge({ t: 1.2, phase: 'failover', error: 'timeout', latencyMs: 10_000 }),
        edge({ t: 1.3, phase: 'failover', error: 'ECONNREFUSED' }),
        edge({ t: 1.4, phase: 'failover', status: 503 }),
        edge({ t: 1.5, phase: 'failover', status: 200, header: 'secondary/x' }),
      ],
    };
    const failover = measure(t).phases.find((p) => p.phase === 'failover')!;
    expect(failover.viewerGets.codes).toEqual({ timeout: 1, ECONNREFUSED: 1, '503': 1 });
    expect(failover.latency.maxMs).toBe(10_000);
  });
});

describe('no failover', () => {
  // The edge never switches: every GET during the outage gets the paused primary's 404.
  const timeline = healthyDrill({ failoverLagS: 100 });

  test('is not observed, and the verdict fails with the reason', () => {
    const m = measure(timeline);
    expect(m.failover.observed).toBe(false);
    expect(m.failover.seconds).toBeNull();
    expect(m.failover.notes).toContain('No edge GET was served by the secondary after the fault injection started.');
    const a = assertion(timeline, 'failover-time');
    expect(a.status).toBe('failed');
    expect(a.measured).toBeNull();
    expect(a.message).toMatch(/^failover time could not be measured \(threshold 5 s\)\. No edge GET was served by the secondary/);
  });
});

describe('early failover', () => {
  test('an edge switch before the direct probes saw the failure is reported as 0 and flagged', () => {
    // The primary fails at 1.05, but the direct probes only notice at 1.45 (they were failing slowly).
    const base = healthyDrill();
    const probes = base.probes.filter(
      (p) => !(p.kind === 'direct' && p.origin === 'primary' && p.sentAt >= T0 + 1050 && p.sentAt < T0 + 1450),
    );
    const m = measure({ ...base, probes });
    expect(m.failover.originChangedAt).toBe(T0 + 1450);
    expect(m.failover.early).toBe(true);
    expect(m.failover.seconds).toBe(0);
    expect(m.failover.notes.join(' ')).toMatch(/switched 0\.345 s before the direct probes saw the primary fail; reported as 0/);
    expect(assertion({ ...base, probes }, 'failover-time').status).toBe('passed');
  });

  test('a secondary serving during steady state is counted, and a run that never reaches N primary in a row fails', () => {
    const probes = times(0, 1).map((t, i) =>
      edge({ t, phase: 'steady', status: 200, header: i % 3 === 2 ? 'secondary/us-west-2' : 'primary/us-east-1' }),
    );
    const t: Timeline = {
      phases: phases(['steady', 0, 1, 'failed']),
      probes: [...probes, direct('primary', true, { t: 0.05, phase: 'steady' }), direct('secondary', true, { t: 0.05, phase: 'steady' })],
    };
    const m = measure(t);
    expect(m.steady.secondaryServed).toBe(3);
    expect(m.steady.longestPrimaryRun).toBe(2);
    const a = assertion(t, 'primary-serves');
    expect(a.status).toBe('failed');
    expect(a.message).toBe('at most 2 consecutive edge GETs were served by the primary; measured 2, threshold at least 10 probes');
    expect(assertion(t, 'failover-time')).toMatchObject({ status: 'skipped', message: 'not reached: steady state failed' });
  });
});

describe('each probe is judged by its whole span (sent → answered)', () => {
  // Under load: GETs sent in the last 0.3 s of steady state are answered 0.7–1 s later, after the
  // fault was injected (at 1 s), and the edge has failed them over to the secondary.
  const late = times(0.7, 1).map((t, i) =>
    edge({ t, phase: 'steady', status: 200, header: 'secondary/us-west-2', latencyMs: 700 + i * 100 }),
  );
  const timeline = (): Timeline => {
    const base = healthyDrill();
    return {
      ...base,
      probes: [...base.probes.filter((p) => !(p.kind === 'edge' && p.sentAt >= T0 + 700 && p.sentAt < T0 + 1000)), ...late],
    };
  };

  test('a probe sent before the fault and answered after it is not a steady-state answer from the secondary', () => {
    const m = measure(timeline());
    expect(m.steady.secondaryServed).toBe(0);
    expect(m.steady.longestPrimaryRun).toBe(7);
  });

  test('a probe sent and answered inside steady state by the secondary is still counted', () => {
    const t = timeline();
    const inside = edge({ t: 0.5, phase: 'steady', status: 200, header: 'secondary/us-west-2', latencyMs: 100 });
    expect(measure({ ...t, probes: [...t.probes, inside] }).steady.secondaryServed).toBe(1);
  });

  test('summary.md warns about none of the straddling probes', async () => {
    const { renderMarkdown } = await import('../../harness/report/markdown.js');
    const { runRecordOf } = await import('../report/fixtures.js');
    expect(renderMarkdown(runRecordOf(timeline()))).not.toContain('The secondary served');
  });
});

describe('the primary never serves (a Host-header or config mistake)', () => {
  test('is a failure, never a pass', () => {
    const probes = times(0, 3).flatMap((t) => [
      edge({ t, phase: 'steady', status: 200, header: 'secondary/us-west-2' }),
      direct('primary', true, { t, phase: 'steady' }),
      direct('secondary', true, { t, phase: 'steady' }),
    ]);
    const t: Timeline = { phases: phases(['steady', 0, 3, 'failed']), probes };
    const v = verdictOf(t);
    expect(v.outcome).toBe('failed');
    const a = v.assertions.find((x) => x.id === 'primary-serves')!;
    expect(a.status).toBe('failed');
    expect(a.measured).toBe(0);
    expect(a.message).toMatch(/^the primary never served an edge GET \(30 were served by the secondary\); check the Host header/);
  });

  test('an origin that does not answer directly fails its assertion', () => {
    const probes = times(0, 1).flatMap((t) => [
      edge({ t, phase: 'steady', status: 200, header: 'primary/us-east-1' }),
      direct('primary', true, { t, phase: 'steady' }),
      direct('secondary', false, { t, phase: 'steady', error: 'ECONNREFUSED' }),
    ]);
    const a = assertion({ phases: phases(['steady', 0, 1, 'failed']), probes }, 'origins-answer');
    expect(a).toMatchObject({
      status: 'failed',
      measured: 1,
      message: 'only primary answered direct probes; measured 1, threshold at least 2 origins',
    });
  });
});

describe('flapping', () => {
  test('switches after the first failback response are counted and settle later', () => {
    const base = healthyDrill();
    // After recovery the edge alternates primary, secondary, primary... until 3.6 s.
    const probes = base.probes.map((p) => {
      if (p.kind !== 'edge' || p.sentAt < T0 + 3100 || p.sentAt >= T0 + 3600) return p;
      const i = Math.round((p.sentAt - T0 - 3100) / 100);
      return { ...p, servedByHeader: i % 2 === 0 ? 'primary/us-east-1' : 'secondary/us-west-2' };
    });
    const m = measure({ ...base, probes });
    expect(m.failback.seconds).toBeCloseTo(0.055, 6);
    // 3.1 P, 3.2 S, 3.3 P, 3.4 S, 3.5 P, then P: four changes.
    expect(m.failback.flaps).toBe(4);
    expect(m.failback.settledAt).toBe(T0 + 3505);
    expect(m.failback.notes).toContain('The serving origin changed 4 time(s) after the first failback response.');
  });

  test('a window that ends on the wrong origin has no settle time', () => {
    const base = healthyDrill();
    const probes = base.probes.map((p) =>
      p.kind === 'edge' && p.sentAt >= T0 + 4900 ? { ...p, servedByHeader: 'secondary/us-west-2' } : p,
    );
    const m = measure({ ...base, probes });
    expect(m.failback.settledAt).toBeNull();
    expect(m.failback.notes).toContain('The last edge response in the window was not served by the primary.');
  });
});

describe('a missing served-by header', () => {
  const timeline = healthyDrill({ noHeader: true });

  test('falls back to elimination from the direct probes, and flags it', () => {
    const m = measure(timeline);
    expect(m.attribution.header).toBe(0);
    // The first edge GET went out before any direct probe had answered: nobody can tell.
    expect(m.attribution.elimination).toBe(49);
    expect(m.attribution.unattributed).toBe(1);
    expect(m.steady.longestPrimaryRun).toBe(9);
    expect(m.failover.seconds).toBeCloseTo(0.055, 6);
    expect(m.failover.notes).toContain('The first secondary response was attributed by elimination.');
    expect(m.failback.seconds).toBeCloseTo(0.055, 6);
    expect(verdictOf(timeline, { ...DEFAULT_THRESHOLDS, steadyProbes: 9 }).outcome).toBe('passed');
  });

  test('elimination uses the latest direct probe that completed before the edge probe was sent', () => {
    const probes = [
      direct('primary', true, { t: 0, phase: 'steady' }),
      direct('secondary', true, { t: 0, phase: 'steady' }),
      edge({ t: 0.1, phase: 'steady', status: 200, header: null }),
      direct('primary', false, { t: 1.0, phase: 'inject' }),
      edge({ t: 1.1, phase: 'failover', status: 200, header: null }),
      // No direct probe had completed yet: nobody can tell.
      edge({ t: -1, phase: 'steady', status: 200, header: null }),
      // Errors are not attributed.
      edge({ t: 1.2, phase: 'failover', status: 502, header: null }),
    ];
    expect(attribute(probes).map((p) => [p.kind, p.servedBy, p.attribution])).toEqual([
      ['direct', 'primary', 'header'],
      ['direct', 'secondary', 'header'],
      ['edge', 'primary', 'elimination'],
      ['direct', 'primary', 'header'],
      ['edge', 'secondary', 'elimination'],
      ['edge', undefined, 'unattributed'],
      ['edge', undefined, 'unattributed'],
    ]);
  });
});

describe('write probes', () => {
  test('are measured apart from viewer GETs and do not affect the verdict', () => {
    const base = healthyDrill();
    const writes = times(1.2, 2.8, 0.5).map((t) => write({ t, phase: phaseAt(t), status: 404, header: 'primary/us-east-1' }));
    const t = { ...base, probes: [...base.probes, ...writes] };
    const m = measure(t);
    expect(m.totals.writes).toEqual({ probes: 4, errors: 4, rate: 1, codes: { '404': 4 } });
    expect(m.totals.viewerGets.errors).toBe(0);
    expect(verdictOf(t).outcome).toBe('passed');
  });
});

describe('aborted runs', () => {
  test('are aborted whatever was measured, with unreached assertions skipped', () => {
    const base = healthyDrill();
    const ph = [...STANDARD_PHASES.slice(0, 4), { ...STANDARD_PHASES[4]!, status: 'aborted' as const }];
    const v = judge({
      measurements: measure({ probes: base.probes.filter((p) => p.sentAt < T0 + 2000), phases: ph }),
      thresholds: DEFAULT_THRESHOLDS,
      phases: ph,
      aborted: { phase: 'failover', reason: 'SIGINT received' },
    });
    expect(v.outcome).toBe('aborted');
    expect(v.exitCode).toBe(3);
    expect(v.summary).toBe('ABORTED during observe failover: SIGINT received');
    expect(v.assertions.find((a) => a.id === 'failover-time')).toMatchObject({
      status: 'skipped',
      message: 'not reached: the run was aborted during observe failover',
    });
    expect(v.assertions.find((a) => a.id === 'primary-serves')!.status).toBe('passed');
  });

  test('cancelled probes count for nothing', () => {
    const base = healthyDrill();
    const cancelled = edge({ t: 4.9, phase: 'failback', error: 'cancelled' });
    const m = measure({ ...base, probes: [...base.probes, { ...cancelled, cancelled: true }] });
    expect(m.totals.viewerGets).toMatchObject({ probes: 50, errors: 0 });
  });
});

describe('latencyStats', () => {
  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencyStats(values)).toEqual({ count: 100, p50Ms: 50, p95Ms: 95, maxMs: 100 });
    expect(latencyStats([7])).toEqual({ count: 1, p50Ms: 7, p95Ms: 7, maxMs: 7 });
    expect(latencyStats([])).toEqual({ count: 0, p50Ms: null, p95Ms: null, maxMs: null });
  });
});

describe('a negative control (--expect no-failover) counts viewer errors by each GET’s whole span', () => {
  // error:501 from 1.0 s (inject) until recovery ends at 3.1 s; the edge passes the 501 to viewers.
  const fault = { kind: 'error', status: 501 } as const;
  const timeline = (extra: ReturnType<typeof edge>[]): Timeline => {
    const probes = times(0, 5)
      .filter((t) => t < 0.9 || t > 3.2)
      .map((t) => edge({ t, phase: phaseAt(t), status: 200, header: 'primary/us-east-1' }));
    const outage = times(1.2, 2.9).map((t) => edge({ t, phase: phaseAt(t), status: 501, header: 'primary/us-east-1' }));
    return { probes: [...probes, ...outage, ...extra], phases: STANDARD_PHASES };
  };
  const errorsOutside = (tl: Timeline) => {
    const control = negativeControl(fault, 'error:501', tl);
    const v = judge({ measurements: measure(tl), thresholds: DEFAULT_THRESHOLDS, phases: tl.phases, noFailover: control });
    return { control, assertion: v.assertions.find((a) => a.id === 'viewer-get-errors')! };
  };

  test('a steady-state GET answered with the fault after injection began, and a recover GET answered during it, are neither side’s', () => {
    const straddling = [
      edge({ t: 0.95, phase: 'steady', status: 501, header: 'primary/us-east-1', latencyMs: 200 }),
      edge({ t: 3.05, phase: 'recover', status: 501, header: 'primary/us-east-1', latencyMs: 20 }),
    ];
    const { control, assertion: a } = errorsOutside(timeline(straddling));
    expect(control.outsideGets.errors).toBe(0);
    expect(control.outsideGets.probes).toBe(timeline([]).probes.filter((p) => p.status === 200).length);
    expect(a.status).toBe('passed');
  });

  test('a GET sent after recovery ended that still sees the fault fails the run', () => {
    const late = [edge({ t: 3.3, phase: 'failback', status: 501, header: 'primary/us-east-1' })];
    const { control, assertion: a } = errorsOutside(timeline(late));
    expect(control.outsideGets.errors).toBe(1);
    expect(a.status).toBe('failed');
  });
});

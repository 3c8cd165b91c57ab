/**
 * Verdict invariants: failback is judged with failback's own measurement and threshold, and a
 * steady run of exactly `steadyProbes` primary-served GETs is enough.
 */
import { measure } from '../../harness/analysis/measure.js';
import { DEFAULT_THRESHOLDS, judge } from '../../harness/analysis/verdict.js';
import { edge, healthyDrill, STANDARD_PHASES } from './timelines.js';

const assertion = (v: ReturnType<typeof judge>, id: string) => v.assertions.find((a) => a.id === id)!;

test('a slow failback fails the failback assertion with the failback time, while failover passes', () => {
  const m = measure(healthyDrill({ failoverLagS: 0.2, failbackLagS: 1.5 }));
  const v = judge({
    measurements: m,
    thresholds: { ...DEFAULT_THRESHOLDS, failoverSeconds: 1, failbackSeconds: 1 },
    phases: STANDARD_PHASES,
  });
  expect(assertion(v, 'failover-time')).toMatchObject({
    status: 'passed',
    measured: m.failover.seconds === null ? null : Math.round(m.failover.seconds * 1000) / 1000,
    threshold: 1,
  });
  expect(assertion(v, 'failback-time')).toMatchObject({ status: 'failed', threshold: 1 });
  expect(assertion(v, 'failback-time').measured).toBeCloseTo(m.failback.seconds!, 3);
  expect(m.failback.seconds).toBeGreaterThan(1);
});

test('a slow failover fails only the failover assertion, each against its own threshold', () => {
  const m = measure(healthyDrill({ failoverLagS: 1.5, failbackLagS: 0 }));
  const v = judge({
    measurements: m,
    thresholds: { ...DEFAULT_THRESHOLDS, failoverSeconds: 1, failbackSeconds: 0.5 },
    phases: STANDARD_PHASES,
  });
  expect(assertion(v, 'failover-time').status).toBe('failed');
  expect(assertion(v, 'failover-time').measured).toBeCloseTo(m.failover.seconds!, 3);
  expect(assertion(v, 'failback-time')).toMatchObject({ status: 'passed', threshold: 0.5 });
  expect(assertion(v, 'failback-time').measured).toBeCloseTo(m.failback.seconds!, 3);
});

test('exactly steadyProbes consecutive primary GETs pass the steady gate; one fewer fails it', () => {
  const base = healthyDrill();
  const steady = (n: number) => {
    // n primary-served GETs, then one failure, in steady state only.
    const probes = [
      ...base.probes.filter((p) => p.kind === 'direct'),
      ...Array.from({ length: n }, (_, i) => edge({ t: i * 0.05, phase: 'steady', status: 200, header: 'primary/us-east-1' })),
      edge({ t: 0.9, phase: 'steady', status: 404, header: 'primary/us-east-1' }),
    ];
    const m = measure({ probes, phases: STANDARD_PHASES });
    return judge({ measurements: m, thresholds: { ...DEFAULT_THRESHOLDS, steadyProbes: 5 }, phases: STANDARD_PHASES });
  };
  expect(assertion(steady(5), 'primary-serves')).toMatchObject({ status: 'passed', measured: 5 });
  expect(assertion(steady(4), 'primary-serves')).toMatchObject({ status: 'failed', measured: 4 });
});

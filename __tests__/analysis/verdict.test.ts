/**
 * The verdict's rules, each checked on a timeline made to sit on one side of it: what a negative
 * control counts as the fault seen and as errors outside the outage, which assertions a run that
 * stopped early skips and why, that a run with nothing measured never passes, and what each
 * assertion's message names (the measured value, the threshold, the bound's direction).
 */
import { describe, expect, test } from '@jest/globals';
import { measure } from '../../harness/analysis/measure.js';
import type { PhaseRecord, ProbeRecord, Timeline } from '../../harness/analysis/timeline.js';
import { DEFAULT_THRESHOLDS, judge, negativeControl, type JudgeInput, type Verdict } from '../../harness/analysis/verdict.js';
import type { Fault } from '../../harness/targets/target.js';
import { direct, edge, healthyDrill, phaseAt, phases, STANDARD_PHASES, times, write } from './timelines.js';

const P = 'primary/us-east-1';
const S = 'secondary/us-west-2';
const byId = (v: Verdict, id: string) => v.assertions.find((a) => a.id === id);
const verdictOf = (timeline: Timeline, extra: Partial<JudgeInput> = {}) =>
  judge({ measurements: measure(timeline), thresholds: DEFAULT_THRESHOLDS, phases: timeline.phases, ...extra });

describe('negativeControl: what viewers saw of a fault that is not failed over', () => {
  /** One GET in the middle of the outage (failover phase, 1.1–3 s) per outcome given. */
  const outage = (...outcomes: Partial<ProbeRecord>[]): ProbeRecord[] =>
    outcomes.map((o, i) => ({ ...edge({ t: 1.5 + i * 0.1, phase: 'failover', header: P }), ...o }));
  const control = (fault: Fault, probes: ProbeRecord[], ph: readonly PhaseRecord[] = STANDARD_PHASES) =>
    negativeControl(fault, 'spelled', { probes, phases: ph });

  test('a paused primary shows as 404s, and only 404s count', () => {
    const c = control({ kind: 'pause' }, outage({ status: 404 }, { status: 404 }, { status: 503 }, { status: 200 }));
    expect(c).toMatchObject({ fault: 'spelled', shows: 'a 404', outageGets: 4, faultSeen: 2 });
  });

  test('an error fault shows as its own status, not as another error', () => {
    const c = control({ kind: 'error', status: 501 }, outage({ status: 501 }, { status: 404 }, { status: 200 }));
    expect(c).toMatchObject({ shows: 'a 501', outageGets: 3, faultSeen: 1 });
  });

  test('a slow primary shows as 2xx answers at least that late; earlier ones and failures do not count', () => {
    const c = control(
      { kind: 'slow', ms: 300 },
      outage(
        { status: 200, latencyMs: 300 },
        { status: 200, latencyMs: 299 },
        { status: 504, latencyMs: 400 },
        { status: 200, latencyMs: 350 },
      ),
    );
    expect(c).toMatchObject({ shows: 'an answer 300 ms late or later', outageGets: 4, faultSeen: 2 });
  });

  test.each<Fault>([{ kind: 'refuse' }, { kind: 'blackhole' }, { kind: 'unreachable' }])(
    'a connection fault (%j) shows as any answer without a 2xx',
    (fault) => {
      const c = control(fault, outage({ status: 502 }, { status: undefined, error: 'timeout' }, { status: 200 }));
      expect(c).toMatchObject({ shows: 'an answer without a 2xx', outageGets: 3, faultSeen: 2 });
    },
  );

  test('the outage is from the start of inject to the end of failover, each GET by its whole span; writes, direct probes and cancelled GETs are no GETs', () => {
    const probes = [
      edge({ t: 1.02, phase: 'inject', status: 404, header: P, latencyMs: 50 }), // inside inject
      edge({ t: 1.5, phase: 'failover', status: 404, header: P }), // inside failover
      edge({ t: 1.08, phase: 'inject', status: 404, header: P, latencyMs: 50 }), // sent in inject, answered in failover
      edge({ t: 0.5, phase: 'steady', status: 404, header: P }), // steady
      edge({ t: 3.05, phase: 'recover', status: 404, header: P, latencyMs: 10 }), // recover
      edge({ t: 3.5, phase: 'failback', status: 404, header: P }), // failback
      { ...edge({ t: 1.6, phase: 'failover', status: 404, header: P }), cancelled: true },
      write({ t: 1.7, phase: 'failover', status: 404, header: P }),
      direct('primary', false, { t: 1.8, phase: 'failover' }),
    ];
    const c = control({ kind: 'pause' }, probes);
    expect({ outageGets: c.outageGets, faultSeen: c.faultSeen }).toEqual({ outageGets: 3, faultSeen: 3 });
  });

  test('outside the outage: GETs answered before injection began or sent after recovery ended, never one straddling either', () => {
    const probes = [
      edge({ t: 0.5, phase: 'steady', status: 503, header: P }), // answered before 1 s: outside
      edge({ t: 0.99, phase: 'steady', status: 200, header: P, latencyMs: 10 }), // answered exactly at 1 s: straddles
      edge({ t: 3.05, phase: 'recover', status: 404, header: P, latencyMs: 100 }), // sent before 3.1 s: straddles
      edge({ t: 3.1, phase: 'failback', status: 200, header: P }), // sent exactly at 3.1 s: straddles
      edge({ t: 3.2, phase: 'failback', error: 'timeout', latencyMs: 1000 }), // sent after 3.1 s: outside
      { ...edge({ t: 4, phase: 'failback', status: 500, header: P }), cancelled: true },
      write({ t: 4.1, phase: 'failback', status: 500, header: P }),
      direct('primary', false, { t: 4.2, phase: 'failback' }),
    ];
    const { outsideGets } = control({ kind: 'pause' }, probes);
    expect(outsideGets).toEqual({ probes: 2, errors: 2, rate: 1, codes: { '503': 1, timeout: 1 } });
  });

  test('a run that never injected has nothing inside the outage; one never recovered has nothing after it', () => {
    const probes = [edge({ t: 0.5, phase: 'steady', status: 200, header: P }), edge({ t: 4, phase: 'failback', status: 500, header: P })];
    const noInject = control({ kind: 'pause' }, probes, phases(['steady', 0, 1], ['failback', 3.1, 5]));
    expect(noInject.outageGets).toBe(0);
    expect(noInject.outsideGets).toMatchObject({ probes: 2, errors: 1 });
    const noRecover = control({ kind: 'pause' }, probes, phases(['steady', 0, 1], ['inject', 1, 1.1], ['failover', 1.1, 3]));
    expect(noRecover.outsideGets).toMatchObject({ probes: 1, errors: 0 });
  });
});

describe('judge with a negative control (--expect no-failover)', () => {
  const fault = { kind: 'error', status: 501 } as const;
  /** Primary-served 200s outside the outage, `seen` 501s inside it, and `secondary` GETs the secondary served during it. */
  const drill = (seen: number, secondary = 0): Timeline => {
    const ok = times(0, 5)
      .filter((t) => t < 0.95 || t > 3.2)
      .map((t) => edge({ t, phase: phaseAt(t), status: 200, header: P }));
    const shown = times(1.2, 1.2 + seen * 0.1).map((t) => edge({ t, phase: phaseAt(t), status: 501, header: P }));
    const fromSecondary = times(2.5, 2.5 + secondary * 0.1).map((t) => edge({ t, phase: phaseAt(t), status: 200, header: S }));
    const directs = times(0, 5).flatMap((t) => [
      direct('primary', true, { t, phase: phaseAt(t) }),
      direct('secondary', true, { t, phase: phaseAt(t) }),
    ]);
    return { probes: [...ok, ...shown, ...fromSecondary, ...directs], phases: STANDARD_PHASES };
  };
  const judged = (tl: Timeline, ph: readonly PhaseRecord[] = tl.phases) =>
    judge({ measurements: measure(tl), thresholds: DEFAULT_THRESHOLDS, phases: ph, noFailover: negativeControl(fault, 'error:501', tl) });

  test('a fault viewers saw, and a secondary that served nothing, pass; the summary says what was seen', () => {
    const v = judged(drill(3));
    expect(v.assertions.map((a) => [a.id, a.status])).toEqual([
      ['origins-answer', 'passed'],
      ['primary-serves', 'passed'],
      ['fault-visible', 'passed'],
      ['secondary-serves-nothing', 'passed'],
      ['failback-time', 'passed'],
      ['viewer-get-errors', 'passed'],
    ]);
    expect(byId(v, 'fault-visible')).toMatchObject({ measured: 3, threshold: 1, comparison: '>=' });
    expect(byId(v, 'fault-visible')!.title).toContain('error:501');
    expect(byId(v, 'fault-visible')!.message).toContain('3 of 3 edge GETs sent and answered during the outage got a 501');
    expect(byId(v, 'viewer-get-errors')!.title).toBe('Viewer GET errors outside the outage at most 0');
    expect(v).toMatchObject({ outcome: 'passed', exitCode: 0 });
    expect(v.summary).toMatch(
      /^PASSED \(no failover expected\): viewers saw a 501 in 3 of 3 edge GETs during the outage, the secondary served nothing, failback \d/,
    );
  });

  test('a fault no viewer saw fails the run', () => {
    const v = judged(drill(0));
    expect(byId(v, 'fault-visible')).toMatchObject({ status: 'failed', measured: 0 });
    expect(v.outcome).toBe('failed');
  });

  test('one GET served by the secondary fails the run, counted over the phases', () => {
    const v = judged(drill(3, 2));
    expect(byId(v, 'secondary-serves-nothing')).toMatchObject({ status: 'failed', measured: 2, threshold: 0, comparison: '<=' });
    expect(byId(v, 'secondary-serves-nothing')!.message).toContain('the secondary served 2 edge GET(s)');
    expect(v.outcome).toBe('failed');
  });

  test('a run that stopped before the outage skips the fault check, but still counts what the secondary served', () => {
    const ph = STANDARD_PHASES.map((p) => (p.name === 'failover' ? { ...p, status: 'skipped' as const } : p));
    const v = judged(drill(0, 1), ph);
    expect(byId(v, 'fault-visible')).toMatchObject({ status: 'skipped', measured: null, message: 'not reached' });
    expect(byId(v, 'secondary-serves-nothing')).toMatchObject({ status: 'failed', measured: 1 });
  });
});

describe('assertions of phases a run did not reach', () => {
  const base = healthyDrill();
  const withStatus = (status: Partial<Record<string, PhaseRecord['status']>>) =>
    STANDARD_PHASES.map((p) => (status[p.name] ? { ...p, status: status[p.name]! } : p));

  test('a phase that passed or failed is judged; one skipped without a cause or an abort proves nothing, and the run fails', () => {
    const v = verdictOf(base, { phases: withStatus({ failback: 'skipped' }) });
    expect(byId(v, 'failover-time')!.status).toBe('passed');
    expect(byId(v, 'failback-time')).toMatchObject({ status: 'failed', measured: null, threshold: 5, comparison: '<=', unit: 's' });
    expect(byId(v, 'failback-time')!.message).toBe('nothing was measured (not reached)');
    expect(v).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(v.summary).toBe('FAILED: no data to judge. Failback within 5 s: nothing was measured (not reached)');
    // Only the skipped assertion is rewritten.
    expect(byId(v, 'failover-time')!.message).toMatch(/^failover took /);
    expect(v.assertions.filter((a) => a.status === 'failed').map((a) => a.id)).toEqual(['failback-time']);
  });

  test('a phase that failed explains the skips after it; the failure it caused is the summary', () => {
    const v = verdictOf(base, {
      phases: withStatus({ failover: 'failed', failback: 'skipped' }),
      thresholds: { ...DEFAULT_THRESHOLDS, failoverSeconds: 0.01 },
    });
    expect(byId(v, 'failback-time')).toMatchObject({ status: 'skipped', message: 'not reached: observe failover failed' });
    expect(byId(v, 'failover-time')!.status).toBe('failed');
    expect(v.summary).toBe(`FAILED: ${byId(v, 'failover-time')!.message}`);
  });

  test('an aborted phase is not reached, and the abort is named', () => {
    const v = verdictOf(base, {
      phases: withStatus({ failback: 'aborted' }),
      aborted: { phase: 'failback', reason: 'SIGTERM received' },
    });
    expect(byId(v, 'failback-time')).toMatchObject({
      status: 'skipped',
      message: 'not reached: the run was aborted during observe failback',
    });
    expect(v.summary).toBe('ABORTED during observe failback: SIGTERM received');
  });

  test('steady state not reached: its assertions are skipped unless what was measured already meets them', () => {
    // Preflight failed; one edge GET it sent failed, which fails the run on its own.
    const none: Timeline = {
      probes: [edge({ t: -0.45, phase: 'preflight', status: 503, header: P })],
      phases: phases(['preflight', -0.5, 0, 'failed']),
    };
    const v = verdictOf(none);
    expect(byId(v, 'origins-answer')).toMatchObject({
      status: 'skipped',
      measured: null,
      threshold: 2,
      comparison: '>=',
      unit: 'origins',
      message: 'not reached: preflight failed',
    });
    expect(byId(v, 'primary-serves')).toMatchObject({
      status: 'skipped',
      measured: null,
      threshold: DEFAULT_THRESHOLDS.steadyProbes,
      comparison: '>=',
      unit: 'probes',
      message: 'not reached: preflight failed',
    });
    expect(v.summary).toBe(`FAILED: ${byId(v, 'viewer-get-errors')!.message}`);

    // No GET at all: nothing to judge the errors by.
    const nothing = verdictOf({ probes: [], phases: none.phases });
    expect(byId(nothing, 'viewer-get-errors')).toMatchObject({
      status: 'failed',
      measured: null,
      threshold: 0,
      comparison: '<=',
      unit: 'errors',
      message: 'nothing was measured (no edge GET was sent)',
    });
    expect(nothing.summary).toMatch(
      /^FAILED: no data to judge\. Both origins answer directly: nothing was measured \(not reached: preflight failed\); /,
    );

    // A steady state marked skipped, with both origins and a long primary run measured: judged.
    const steady = { ...base, phases: withStatus({ steady: 'skipped' }) };
    const judged = verdictOf(steady);
    expect(byId(judged, 'origins-answer')).toMatchObject({ status: 'passed', measured: 2 });
    expect(byId(judged, 'primary-serves')).toMatchObject({ status: 'passed', measured: 10 });
  });

  test('a run with no probes names neither origin, and the primary never served', () => {
    const v = verdictOf({ probes: [], phases: STANDARD_PHASES });
    expect(byId(v, 'origins-answer')).toMatchObject({
      status: 'failed',
      measured: 0,
      message: 'only no origin answered direct probes; measured 0, threshold at least 2 origins',
    });
    expect(byId(v, 'primary-serves')!.message).toBe(
      'the primary never served an edge GET; check the Host header and the origin settings; measured 0, threshold at least 10 probes',
    );
    expect(byId(v, 'failover-time')!.message).toBe(
      'failover time could not be measured (threshold 5 s). The direct probes never saw the primary fail after the fault was injected. ' +
        'No edge GET was served by the secondary after the fault injection started.',
    );
  });
});

describe('messages and summaries', () => {
  test('a passing run names each measured value and the bound it met', () => {
    const v = verdictOf(healthyDrill());
    expect(byId(v, 'origins-answer')!.message).toBe('both origins answered direct probes; measured 2, threshold at least 2 origins');
    expect(byId(v, 'primary-serves')!.message).toBe(
      '10 consecutive edge GETs were served by the primary; measured 10, threshold at least 10 probes',
    );
    expect(byId(v, 'failback-time')!.message).toBe('failback took 0.055 s; measured 0.055 s, threshold at most 5 s');
    expect(byId(v, 'viewer-get-errors')!.message).toBe('0 of 50 edge GETs failed; measured 0, threshold at most 0 errors');
    expect(byId(v, 'failover-time')!.title).toBe('Failover within 5 s');
    expect(byId(v, 'failback-time')!.title).toBe('Failback within 5 s');
  });

  test('an early switch is said so in the message; the measured time is rounded to the millisecond', () => {
    const base = healthyDrill({ failoverLagS: 0.2 });
    // The direct probes notice the failure 0.3 s late.
    const probes = base.probes.filter(
      (p) =>
        !(
          p.kind === 'direct' &&
          p.origin === 'primary' &&
          p.sentAt >= base.phases[3]!.startedAt + 50 &&
          p.sentAt < base.phases[3]!.startedAt + 550
        ),
    );
    const v = verdictOf({ ...base, probes });
    const fo = byId(v, 'failover-time')!;
    expect(fo).toMatchObject({ status: 'passed', measured: 0 });
    expect(fo.message).toContain('(early: the edge switched before the direct probes saw the change)');
    const fb = byId(v, 'failback-time')!;
    expect(fb.message).not.toContain('early');
    expect(fb.measured).toBe(Math.round(measure({ ...base, probes }).failback.seconds! * 1000) / 1000);
  });

  test('a failback that cannot be measured fails the run, and the summary says why', () => {
    const tl = healthyDrill({ failbackLagS: 100 });
    const v = verdictOf(tl);
    expect(byId(v, 'failback-time')).toMatchObject({ status: 'failed', measured: null });
    expect(v.summary).toMatch(/^FAILED: failback time could not be measured \(threshold 5 s\)\. /);
  });

  test('a passing summary rounds both times to the millisecond', () => {
    const tl = healthyDrill();
    const m = measure(tl);
    const v = judge({
      measurements: { ...m, failover: { ...m.failover, seconds: 1.23456 }, failback: { ...m.failback, seconds: 0.0004 } },
      thresholds: DEFAULT_THRESHOLDS,
      phases: tl.phases,
    });
    expect(v.summary).toBe('PASSED: failover 1.235 s, failback 0 s, 0 viewer GET errors in 50 probes');
    expect(byId(v, 'failover-time')).toMatchObject({ measured: 1.235 });
    expect(byId(v, 'failover-time')!.message).toBe('failover took 1.235 s; measured 1.235 s, threshold at most 5 s');
  });

  test('a threshold met exactly passes; just past it fails, in both directions', () => {
    const tl = healthyDrill();
    const m = measure(tl);
    const at = (t: Partial<typeof DEFAULT_THRESHOLDS>) =>
      judge({ measurements: m, thresholds: { ...DEFAULT_THRESHOLDS, ...t }, phases: tl.phases });
    expect(byId(at({ failoverSeconds: 0.055 }), 'failover-time')!.status).toBe('passed');
    expect(byId(at({ failoverSeconds: 0.054 }), 'failover-time')!.status).toBe('failed');
    expect(byId(at({ steadyProbes: 10 }), 'primary-serves')!.status).toBe('passed');
    expect(byId(at({ steadyProbes: 11 }), 'primary-serves')).toMatchObject({
      status: 'failed',
      message: 'at most 10 consecutive edge GETs were served by the primary; measured 10, threshold at least 11 probes',
    });
  });
});

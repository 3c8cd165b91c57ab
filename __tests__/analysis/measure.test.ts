/**
 * The measurements' definitions, each checked on a timeline made to sit on one side of it: which
 * probes a phase, a window or steady state holds, the order probes are read in (send time for the
 * direct probes, answer time for the edge's), what a failover or failback that never happened
 * says, and what each count leaves out.
 */
import { describe, expect, test } from '@jest/globals';
import { attribute } from '../../harness/analysis/attribution.js';
import { errorStats, isViewerGet, latencyStats, measure, withinPhase } from '../../harness/analysis/measure.js';
import type { ProbeRecord, Timeline } from '../../harness/analysis/timeline.js';
import { direct, edge, healthyDrill, phaseAt, phases, STANDARD_PHASES, T0, times, write } from './timelines.js';

const P = 'primary/us-east-1';
const S = 'secondary/us-west-2';
const at = (s: number) => T0 + s * 1000;

describe('per phase', () => {
  test('each probed phase present is measured over its own span, with its own probes of each kind', () => {
    const probes: ProbeRecord[] = [
      edge({ t: 1.5, phase: 'failover', status: 200, header: S, latencyMs: 40 }),
      edge({ t: 1.6, phase: 'failover', status: 200, header: null, latencyMs: 20 }),
      edge({ t: 1.7, phase: 'failover', status: 502, header: P, latencyMs: 60 }),
      { ...edge({ t: 1.8, phase: 'failover', error: 'cancelled', latencyMs: 900 }), cancelled: true },
      write({ t: 1.55, phase: 'failover', status: 404 }),
      write({ t: 1.65, phase: 'failover', status: 201, header: S }),
      direct('primary', false, { t: 1.5, phase: 'failover' }),
      direct('secondary', true, { t: 1.5, phase: 'failover' }),
      direct('secondary', false, { t: 1.6, phase: 'failover', error: 'ECONNRESET' }),
      // Another phase's probes.
      edge({ t: 0.5, phase: 'steady', status: 503, header: P }),
      write({ t: 0.5, phase: 'steady', status: 500 }),
      direct('secondary', false, { t: 0.5, phase: 'steady' }),
    ];
    const m = measure({ probes, phases: phases(['steady', 0, 1], ['failover', 1.1, 3]) });
    expect(m.phases.map((p) => p.phase)).toEqual(['steady', 'failover']);
    const f = m.phases[1]!;
    expect(f.durationMs).toBe(1900);
    expect(f.viewerGets).toEqual({ probes: 3, errors: 1, rate: 1 / 3, codes: { '502': 1 } });
    expect(f.writes).toEqual({ probes: 2, errors: 1, rate: 0.5, codes: { '404': 1 } });
    expect(f.latency).toEqual({ count: 3, p50Ms: 40, p95Ms: 60, maxMs: 60 });
    // The header-less 200 is attributed by elimination: the primary was down, the secondary up.
    expect(f.servedBy).toEqual({ primary: 0, secondary: 2, unknown: 0 });
    expect(f.direct.primary).toEqual({ probes: 1, errors: 1, rate: 1, codes: { '404': 1 } });
    expect(f.direct.secondary).toEqual({ probes: 2, errors: 1, rate: 0.5, codes: { ECONNRESET: 1 } });
    expect(m.phases[0]!.durationMs).toBe(1000);
    expect(m.totals.viewerGets).toMatchObject({ probes: 4, errors: 2 });
    expect(m.totals.writes).toMatchObject({ probes: 3, errors: 2 });
    expect(m.totals.latency.count).toBe(4);
  });

  test('a 2xx whose origin nobody can tell is counted as unknown', () => {
    const probes = [
      edge({ t: 0.5, phase: 'steady', status: 200, header: null }),
      edge({ t: 0.6, phase: 'steady', status: 200, header: P }),
    ];
    const m = measure({ probes, phases: phases(['steady', 0, 1]) });
    expect(m.phases[0]!.servedBy).toEqual({ primary: 1, secondary: 0, unknown: 1 });
  });

  test("the totals' latency is over every viewer GET of the drill, failures included: the phases' GETs put together", () => {
    const probes: ProbeRecord[] = [
      edge({ t: 0.2, phase: 'steady', status: 200, header: P, latencyMs: 10 }),
      edge({ t: 0.4, phase: 'steady', status: 200, header: P, latencyMs: 30 }),
      edge({ t: 1.5, phase: 'failover', status: 200, header: S, latencyMs: 20 }),
      edge({ t: 1.7, phase: 'failover', status: 503, header: P, latencyMs: 50 }),
      edge({ t: 1.9, phase: 'failover', error: 'timeout', latencyMs: 40 }),
      // Not viewer GETs: a cancelled GET, a write, a direct probe.
      { ...edge({ t: 2, phase: 'failover', error: 'cancelled', latencyMs: 900 }), cancelled: true },
      write({ t: 2.1, phase: 'failover', status: 201, header: S, latencyMs: 700 }),
      direct('secondary', true, { t: 2.2, phase: 'failover', latencyMs: 800 }),
    ];
    const m = measure({ probes, phases: phases(['steady', 0, 1], ['failover', 1.1, 3]) });
    const every = m.phases.map((p) => p.latency);
    expect(m.totals.latency).toEqual(latencyStats([10, 30, 20, 50, 40]));
    expect(m.totals.latency.count).toBe(every.reduce((n, l) => n + l.count, 0));
    expect(m.totals.latency.maxMs).toBe(Math.max(...every.map((l) => l.maxMs!)));
    expect(m.totals.latency).toEqual({ count: 5, p50Ms: 30, p95Ms: 50, maxMs: 50 });
  });
});

describe('isViewerGet and withinPhase', () => {
  test('a viewer GET is an edge probe that was not cancelled', () => {
    const get = { ...edge({ t: 0, phase: 'steady', status: 200 }), attribution: 'header' as const };
    expect(isViewerGet(get)).toBe(true);
    expect(isViewerGet({ ...get, cancelled: true })).toBe(false);
    expect(isViewerGet({ ...get, kind: 'write' })).toBe(false);
    expect(isViewerGet({ ...get, kind: 'direct' })).toBe(false);
  });

  test('a probe is within a phase when sent at or after its start and answered at or before its end', () => {
    const [phase] = phases(['steady', 1, 2]);
    expect(withinPhase(edge({ t: 1, phase: 'steady', latencyMs: 1000 }), phase!)).toBe(true);
    expect(withinPhase(edge({ t: 0.999, phase: 'steady', latencyMs: 1 }), phase!)).toBe(false);
    expect(withinPhase(edge({ t: 1.5, phase: 'steady', latencyMs: 501 }), phase!)).toBe(false);
  });
});

describe('steady state', () => {
  test('without a steady phase record, the probes marked steady are steady state', () => {
    const probes = [
      ...times(0, 0.5).map((t) => edge({ t, phase: 'steady', status: 200, header: P })),
      direct('primary', true, { t: 0.1, phase: 'steady' }),
      direct('secondary', true, { t: 0.1, phase: 'inject' }),
      edge({ t: 2, phase: 'failover', status: 200, header: S }),
    ];
    const m = measure({ probes, phases: [] });
    expect(m.steady).toEqual({ originsAnswered: { primary: true, secondary: false }, longestPrimaryRun: 5, secondaryServed: 0 });
  });

  test('an origin answered only if one of its direct probes got a 2xx; an edge GET is no direct answer', () => {
    const probes = [
      direct('primary', false, { t: 0.1, phase: 'steady' }),
      direct('secondary', false, { t: 0.1, phase: 'steady', error: 'timeout' }),
      edge({ t: 0.2, phase: 'steady', status: 200, header: P }),
      edge({ t: 0.3, phase: 'steady', status: 200, header: S }),
    ];
    expect(measure({ probes, phases: phases(['steady', 0, 1]) }).steady.originsAnswered).toEqual({ primary: false, secondary: false });
  });

  test('the longest primary run is counted in answer order, and broken by an error or the secondary', () => {
    // Sent in one order, answered in another: 0.1 is answered last.
    const probes = [
      edge({ t: 0.1, phase: 'steady', status: 200, header: P, latencyMs: 500 }),
      edge({ t: 0.2, phase: 'steady', status: 200, header: P }),
      edge({ t: 0.3, phase: 'steady', status: 503, header: P }),
      edge({ t: 0.4, phase: 'steady', status: 200, header: P }),
      edge({ t: 0.5, phase: 'steady', status: 200, header: P }),
      edge({ t: 0.7, phase: 'steady', status: 200, header: S }),
      edge({ t: 0.8, phase: 'steady', status: 200, header: P }),
    ];
    // In answer order: 0.2 P, 0.3 err, 0.4 P, 0.5 P, 0.1 P (at 0.6), 0.7 S, 0.8 P: longest 3.
    const m = measure({ probes, phases: phases(['steady', 0, 1]) });
    expect(m.steady.longestPrimaryRun).toBe(3);
    expect(m.steady.secondaryServed).toBe(1);
  });

  test('a secondary answer that was no 2xx is not the secondary serving', () => {
    const probes = [edge({ t: 0.1, phase: 'steady', status: 503, header: S })];
    expect(measure({ probes, phases: phases(['steady', 0, 1]) }).steady.secondaryServed).toBe(0);
  });
});

describe('failover and failback windows', () => {
  test('a drill that never injected or recovered says so, and measures nothing', () => {
    const tl: Timeline = { probes: healthyDrill().probes, phases: phases(['steady', 0, 1]) };
    const m = measure(tl);
    expect(m.failover).toEqual({
      observed: false,
      seconds: null,
      originChangedAt: null,
      edgeSwitchedAt: null,
      early: false,
      settledAt: null,
      flaps: 0,
      notes: ['The drill did not reach the fault injection.'],
    });
    expect(m.failback).toMatchObject({
      observed: false,
      seconds: null,
      flaps: 0,
      early: false,
      notes: ['The drill did not reach the recovery.'],
    });
  });

  test('a primary the direct probes never saw come back leaves the failback unmeasured, but observed', () => {
    const base = healthyDrill();
    const probes = base.probes.map((p) => (p.kind === 'direct' && p.origin === 'primary' && p.sentAt >= at(3) ? { ...p, status: 404 } : p));
    const m = measure({ ...base, probes });
    expect(m.failback).toMatchObject({ observed: true, seconds: null, originChangedAt: null, early: false });
    expect(m.failback.edgeSwitchedAt).toBe(at(3.105));
    expect(m.failback.notes).toEqual(['The direct probes never saw the primary answer again after recovery started.']);
  });

  test('an edge that never switched back still reports when the primary was seen back', () => {
    const m = measure(healthyDrill({ failbackLagS: 100 }));
    expect(m.failback).toMatchObject({ observed: false, seconds: null, originChangedAt: at(3.05), edgeSwitchedAt: null, settledAt: null });
    expect(m.failback.notes).toEqual(['No edge GET was served by the primary after the recovery started.']);
  });

  test('the failover window ends when recovery starts: a secondary answer sent then is no failover', () => {
    const probes = [
      direct('primary', false, { t: 1.05, phase: 'inject' }),
      edge({ t: 1.5, phase: 'failover', status: 404, header: P }),
      edge({ t: 3, phase: 'recover', status: 200, header: S }),
    ];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover.observed).toBe(false);
    expect(m.failover.originChangedAt).toBe(at(1.05));
  });

  test('the window starts at the phase start, inclusive: probes sent then count', () => {
    const probes = [direct('primary', false, { t: 1, phase: 'inject' }), edge({ t: 1, phase: 'inject', status: 200, header: S })];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover).toMatchObject({ observed: true, originChangedAt: at(1), edgeSwitchedAt: at(1.005), seconds: 0.005 });
    // Sent just before: neither counts.
    const before = [direct('primary', false, { t: 0.999, phase: 'steady' }), edge({ t: 0.999, phase: 'steady', status: 200, header: S })];
    expect(measure({ probes: before, phases: STANDARD_PHASES }).failover).toMatchObject({ observed: false, originChangedAt: null });
  });

  test('the origin change is the earliest-sent direct probe of the primary that shows it, whatever the order recorded', () => {
    const probes = [
      direct('primary', false, { t: 1.6, phase: 'failover' }),
      direct('primary', false, { t: 1.2, phase: 'failover', latencyMs: 900 }),
      direct('primary', true, { t: 1.1, phase: 'failover' }),
      // The secondary's failures and writes say nothing about the primary.
      direct('secondary', false, { t: 1.05, phase: 'inject' }),
      edge({ t: 2, phase: 'failover', status: 200, header: S }),
    ];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover.originChangedAt).toBe(at(1.2));
    expect(m.failover.seconds).toBe(0.805);
  });

  test('the first switch is the earliest answered 2xx from the target, whatever the send order; errors and the other origin do not count', () => {
    const probes = [
      direct('primary', false, { t: 1.05, phase: 'inject' }),
      edge({ t: 1.2, phase: 'failover', status: 200, header: S, latencyMs: 800 }), // answered at 2.0
      edge({ t: 1.3, phase: 'failover', status: 503, header: S }), // no 2xx
      edge({ t: 1.4, phase: 'failover', status: 200, header: P }), // the other origin
      edge({ t: 1.5, phase: 'failover', status: 200, header: S, latencyMs: 100 }), // answered at 1.6
      write({ t: 1.35, phase: 'failover', status: 201, header: S }),
    ];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover.edgeSwitchedAt).toBe(at(1.6));
    expect(m.failover.seconds).toBe(0.55);
    // After the first switch (1.6 S), 2.0 S: no flap; the window ends on the secondary, settled from the first.
    expect(m.failover).toMatchObject({ flaps: 0, settledAt: at(1.6) });
  });

  test('two answers at the same moment are read in send order, whatever the order recorded', () => {
    const sentFirst = edge({ t: 1.2, phase: 'failover', status: 200, header: P, latencyMs: 400 }); // answered 1.6
    const sentLater = edge({ t: 1.5, phase: 'failover', status: 200, header: S, latencyMs: 100 }); // answered 1.6
    const probes = [direct('primary', false, { t: 1.05, phase: 'inject' }), sentLater, sentFirst];
    const m = measure({ probes, phases: STANDARD_PHASES });
    // Primary (sent first) then secondary: the switch is at the secondary's answer, and nothing flaps after it.
    expect(m.failover).toMatchObject({ edgeSwitchedAt: at(1.6), flaps: 0, settledAt: at(1.6) });
  });

  test('flaps count every change of origin after the first switch; the settle time is the last change to the target', () => {
    const seq: [number, string][] = [
      [1.2, S],
      [1.3, P],
      [1.4, S],
      [1.5, S],
      [1.6, P],
      [1.7, S],
      [1.8, S],
    ];
    const probes = [
      direct('primary', false, { t: 1.05, phase: 'inject' }),
      ...seq.map(([t, h]) => edge({ t, phase: phaseAt(t), status: 200, header: h })),
    ];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover.flaps).toBe(4);
    expect(m.failover.settledAt).toBe(at(1.705));
    expect(m.failover.notes).toEqual(['The serving origin changed 4 time(s) after the first failover response.']);
    // Ending on the other origin: no settle time, and it is said.
    const ending = measure({ probes: [...probes, edge({ t: 1.9, phase: 'failover', status: 200, header: P })], phases: STANDARD_PHASES });
    expect(ending.failover).toMatchObject({ flaps: 5, settledAt: null });
    expect(ending.failover.notes).toEqual([
      'The serving origin changed 5 time(s) after the first failover response.',
      'The last edge response in the window was not served by the secondary.',
    ]);
  });

  test('an early failback is flagged with how early, to the millisecond', () => {
    const base = healthyDrill();
    // The direct probes see the primary back only at 3.4567 s; the edge served it at 3.105.
    const probes = [
      ...base.probes.filter((p) => !(p.kind === 'direct' && p.origin === 'primary' && p.sentAt >= at(3))),
      direct('primary', true, { t: 3.4567, phase: 'failback' }),
    ];
    const m = measure({ ...base, probes });
    expect(m.failback).toMatchObject({ early: true, seconds: 0, originChangedAt: at(3.4567), edgeSwitchedAt: at(3.105) });
    expect(m.failback.notes).toEqual(['The edge switched 0.352 s before the direct probes saw the primary recover; reported as 0.']);
  });

  test('a switch at the very moment the change was seen is on time, not early', () => {
    const probes = [direct('primary', false, { t: 1.5, phase: 'failover' }), edge({ t: 1.495, phase: 'failover', status: 200, header: S })];
    const m = measure({ probes, phases: STANDARD_PHASES });
    expect(m.failover).toMatchObject({ seconds: 0, early: false, notes: [] });
  });
});

describe('attribution counts', () => {
  test('edge and write answers are counted by how they were attributed; direct probes, failures and cancelled probes are not', () => {
    const probes = [
      direct('primary', true, { t: 0, phase: 'steady' }),
      edge({ t: 0.1, phase: 'steady', status: 200, header: P }),
      write({ t: 0.2, phase: 'steady', status: 201, header: S }),
      edge({ t: 0.3, phase: 'steady', status: 200, header: null }), // elimination
      edge({ t: -1, phase: 'steady', status: 200, header: null }), // nobody could tell
      edge({ t: 0.4, phase: 'steady', status: 503, header: null }), // a failure: not attributed, not counted
      edge({ t: 0.5, phase: 'steady', error: 'timeout' }), // no answer: not counted
      { ...edge({ t: 0.6, phase: 'steady', status: 200, header: P }), cancelled: true },
    ];
    expect(measure({ probes, phases: phases(['steady', -2, 1]) }).attribution).toEqual({ header: 2, elimination: 1, unattributed: 1 });
  });

  test('an answer counts under how it was attributed whatever its status: a 4xx or 5xx with its served-by header is counted under header', () => {
    const statuses = [200, 201, 404, 500, 502, 503];
    const probes = statuses.flatMap((status, i) => [
      edge({ t: 0.1 * i, phase: 'steady', status, header: i % 2 === 0 ? P : S }),
      write({ t: 0.1 * i + 0.05, phase: 'steady', status, header: i % 2 === 0 ? S : P }),
    ]);
    const counts = measure({ probes, phases: phases(['steady', -1, 1]) }).attribution;
    const attributed = attribute(probes);
    expect(attributed.every((p) => p.attribution === 'header')).toBe(true);
    expect(counts).toEqual({ header: probes.length, elimination: 0, unattributed: 0 });
  });
});

describe('errorStats and latencyStats', () => {
  test('codes are counted as given, even one named like an Object.prototype key', () => {
    const probes = [
      edge({ t: 0, phase: 'steady', error: 'constructor' }),
      edge({ t: 0, phase: 'steady', error: 'constructor' }),
      edge({ t: 0, phase: 'steady', error: 'toString' }),
      edge({ t: 0, phase: 'steady', status: 200 }),
    ];
    const s = errorStats(probes);
    expect({ ...s, codes: { ...s.codes } }).toEqual({ probes: 4, errors: 3, rate: 0.75, codes: { constructor: 2, toString: 1 } });
    expect(errorStats([])).toEqual({ probes: 0, errors: 0, rate: 0, codes: {} });
  });

  test('percentiles are nearest-rank over the sorted values, whatever their order', () => {
    expect(latencyStats([30, 10, 20])).toEqual({ count: 3, p50Ms: 20, p95Ms: 30, maxMs: 30 });
    expect(latencyStats([5, 1])).toEqual({ count: 2, p50Ms: 1, p95Ms: 5, maxMs: 5 });
    // 20 values: the 95th percentile is the 19th, not the largest.
    const twenty = Array.from({ length: 20 }, (_, i) => 100 - i);
    expect(latencyStats(twenty)).toEqual({ count: 20, p50Ms: 90, p95Ms: 99, maxMs: 100 });
  });
});

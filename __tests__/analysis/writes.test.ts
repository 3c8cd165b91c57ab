/** The write section, judged from hand-made timelines: writes at 2 Hz, the router switched at hand-picked times. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { judge, type Verdict } from '../../harness/analysis/verdict.js';
import { measure } from '../../harness/analysis/measure.js';
import {
  DEFAULT_WRITE_THRESHOLDS,
  judgeWrites,
  measureWrites,
  withWriteAssertions,
  type WriteMeasurements,
  type WriteSwitchRecord,
} from '../../harness/analysis/writes.js';
import type { ProbeRecord, Timeline } from '../../harness/analysis/timeline.js';
import { DEFAULT_THRESHOLDS } from '../../harness/analysis/verdict.js';
import { healthyDrill, phaseAt, STANDARD_PHASES, T0, times, write } from './timelines.js';

const at = (s: number) => T0 + s * 1000;
const P = 'primary/us-east-1';
const S = 'secondary/us-west-2';

/**
 * Writes every 0.5 s from 0 to 5 s. The primary is down from 1.05 to 3.05 s (404 without a
 * header); the router sends writes to the secondary from `switchAt` until `backAt`.
 */
function writes(o: { switchAt: number; backAt: number; primaryAnswersAfterSwitchUntil?: number; failDuringBack?: boolean }): ProbeRecord[] {
  return times(0, 5, 0.5).map((t) => {
    const phase = phaseAt(t);
    const routedToSecondary = t >= o.switchAt && t < o.backAt;
    if (routedToSecondary && !(o.primaryAnswersAfterSwitchUntil !== undefined && t < o.primaryAnswersAfterSwitchUntil)) {
      return write({ t, phase, status: 201, header: S });
    }
    const primaryDown = t >= 1.05 && t < 3.05;
    if (o.failDuringBack && t >= o.backAt && t < o.backAt + 0.6) return write({ t, phase, status: 502, header: null });
    return primaryDown ? write({ t, phase, status: 404, header: null }) : write({ t, phase, status: 201, header: P });
  });
}

function timeline(probes: ProbeRecord[]): Timeline {
  return { probes: [...healthyDrill().probes, ...probes], phases: STANDARD_PHASES };
}

const switches = (switchAt: number, seenAt: number, backAt: number, backSeenAt: number): WriteSwitchRecord[] => [
  { to: 'secondary', requestedAt: at(switchAt), observedAt: at(seenAt), delaySeconds: switchAt - 1, delayBasis: 'test' },
  { to: 'primary', requestedAt: at(backAt), observedAt: at(backSeenAt), delaySeconds: 0, delayBasis: 'test' },
];

describe('measureWrites', () => {
  const t = timeline(writes({ switchAt: 2, backAt: 3.5 }));
  // Measured in each test, not when the file loads (see analysis.test.ts).
  let m: WriteMeasurements;
  beforeEach(() => {
    m = measureWrites(t, switches(1.9, 2.005, 3.4, 3.505));
  });

  test('the write RTO runs from the outage (inject start) to the first write the secondary answered', () => {
    // inject starts at 1 s; the first secondary write is sent at 2.0 s and answered 5 ms later.
    expect(m.writeRtoSeconds).toBe(1.005);
  });

  test('writes between the outage and the observed switch are counted, with their outcomes', () => {
    // sent at 1.0 (primary up until 1.05: 201), 1.5 (404), 2.0 (201 from the secondary, before 2.005)
    expect(m.beforeSwitch).toEqual({ writes: 3, errors: 1, codes: { '404': 1 } });
  });

  test('the switch takes from request to the first write seen from the new region', () => {
    expect(m.switchSeconds).toBe(0.105);
  });

  test('no write reached the primary after the switch', () => {
    expect(m.splitBrainWrites).toBe(0);
  });

  test('a primary that still answers after the switch is split brain, counted per write', () => {
    const split = measureWrites(
      timeline(writes({ switchAt: 2, backAt: 4, primaryAnswersAfterSwitchUntil: 3.6 })),
      switches(1.9, 2.005, 3.9, 4.005),
    );
    // After 2.005: 2.5 and 3.0 get the paused primary's 404 (no header, not the primary's answer);
    // 3.5 gets 201 from the primary, which is up again: one write reached it.
    expect(split.splitBrainWrites).toBe(1);
    expect(judgeWrites(split, DEFAULT_WRITE_THRESHOLDS).find((a) => a.id === 'split-brain-writes')?.status).toBe('failed');
  });

  test('failed writes during the switch back are counted', () => {
    const back = measureWrites(timeline(writes({ switchAt: 2, backAt: 3.5, failDuringBack: true })), switches(1.9, 2.005, 3.5, 4.105));
    expect(back.duringSwitchBack).toEqual({ writes: 2, errors: 2, codes: { '502': 2 } });
  });

  test('no switch, no RTO: the assertion fails instead of passing on nothing', () => {
    const none = measureWrites(timeline(writes({ switchAt: 99, backAt: 99 })), []);
    expect(none.writeRtoSeconds).toBeNull();
    const [rto] = judgeWrites(none, DEFAULT_WRITE_THRESHOLDS);
    expect(rto).toMatchObject({ id: 'write-rto', status: 'failed', measured: null });
    expect(rto!.message).toMatch(/no write was served by the secondary/);
  });
});

describe('withWriteAssertions', () => {
  const t = timeline(writes({ switchAt: 2, backAt: 3.5 }));
  let base: Verdict;
  let measurements: WriteMeasurements;
  beforeEach(() => {
    base = judge({ measurements: measure(t), thresholds: DEFAULT_THRESHOLDS, phases: t.phases });
    measurements = measureWrites(t, switches(1.9, 2.005, 3.4, 3.505));
  });

  test('a passing run stays passed, and its summary gives the write RTO', () => {
    expect(base.outcome).toBe('passed');
    const v = withWriteAssertions(base, { thresholds: DEFAULT_WRITE_THRESHOLDS, measurements });
    expect(v.outcome).toBe('passed');
    expect(v.summary).toMatch(/write RTO 1\.005 s \(1 write errors before the switch\), 0 split-brain writes/);
    expect(v.assertions.map((a) => a.id).slice(-3)).toEqual(['write-rto', 'split-brain-writes', 'switch-back-write-errors']);
  });

  test('a write RTO over its threshold fails the run with exit code 1', () => {
    const v = withWriteAssertions(base, { thresholds: { ...DEFAULT_WRITE_THRESHOLDS, maxWriteRtoSeconds: 0.5 }, measurements });
    expect(v).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(v.summary).toMatch(/^FAILED: first write from the secondary 1\.005 s after the outage began/);
  });
});

test('an outcome named like an Object.prototype key is counted as itself', () => {
  const t = {
    probes: [write({ t: 1.5, phase: 'failover', error: 'constructor' }), write({ t: 1.6, phase: 'failover', error: '__proto__' })],
    phases: STANDARD_PHASES,
  };
  const m = measureWrites(t, []);
  expect(Object.entries(m.beforeSwitch.codes)).toEqual([
    ['constructor', 1],
    ['__proto__', 1],
  ]);
});

test('a write still in flight when the switch back was requested is not split brain; one answered before it is', () => {
  const sw: WriteSwitchRecord[] = [
    { to: 'secondary', requestedAt: T0 + 1500, observedAt: T0 + 1600, delaySeconds: 0.4, delayBasis: 'test' },
    { to: 'primary', requestedAt: T0 + 3200, observedAt: T0 + 3300, delaySeconds: 0, delayBasis: 'test' },
  ];
  const primary = (t: number, latencyMs: number) => write({ t, phase: phaseAt(t), status: 201, header: 'primary/us-east-1', latencyMs });
  const inFlight = { probes: [primary(3.15, 100)], phases: STANDARD_PHASES };
  expect(measureWrites(inFlight, sw).splitBrainWrites).toBe(0);
  const answered = { probes: [primary(3.15, 10), primary(2.0, 5)], phases: STANDARD_PHASES };
  expect(measureWrites(answered, sw).splitBrainWrites).toBe(2);
});

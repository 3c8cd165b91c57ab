/**
 * The write section's rules, each on a few writes placed on one side of it: which writes each count
 * holds (by send time, by answer time), which switch back belongs to the switch, what is missing
 * when a switch or the outage never happened, and what the assertions and the summary say.
 */
import { describe, expect, test } from '@jest/globals';
import type { Timeline } from '../../harness/analysis/timeline.js';
import type { Assertion, Verdict } from '../../harness/analysis/verdict.js';
import {
  DEFAULT_WRITE_THRESHOLDS,
  judgeWrites,
  measureWrites,
  withWriteAssertions,
  type WriteMeasurements,
  type WriteSwitchRecord,
} from '../../harness/analysis/writes.js';
import { edge, phaseAt, phases, STANDARD_PHASES, T0, write } from './timelines.js';

const P = 'primary/us-east-1';
const S = 'secondary/us-west-2';
const at = (s: number) => T0 + s * 1000;
const sw = (to: 'primary' | 'secondary', requested: number, observed?: number): WriteSwitchRecord => ({
  to,
  requestedAt: at(requested),
  ...(observed !== undefined ? { observedAt: at(observed) } : {}),
  delaySeconds: 0,
  delayBasis: 'test',
});
const w = (t: number, status: number | undefined, header: string | null, latencyMs = 5) =>
  write({ t, phase: phaseAt(t), ...(status !== undefined ? { status } : { error: 'timeout' }), header, latencyMs });
const tl = (...probes: Timeline['probes']): Timeline => ({ probes, phases: STANDARD_PHASES });

describe('measureWrites', () => {
  test('the RTO is from the outage to the answer of the earliest-sent 2xx write the secondary served, whatever the order recorded', () => {
    const m = measureWrites(
      tl(
        w(2.5, 201, S, 5), // sent later, answered at 2.505
        w(2.0, 201, S, 800), // sent first, answered at 2.8
        w(1.5, 503, S), // no 2xx
        w(1.6, 201, P), // the primary
        w(0.5, 201, S), // before the outage
        { ...w(1.7, 201, S), cancelled: true },
        edge({ t: 1.8, phase: 'failover', status: 200, header: S }), // a GET, no write
      ),
      [],
    );
    expect(m.writeRtoSeconds).toBe(1.8);
  });

  test('the RTO is rounded to the millisecond', () => {
    expect(measureWrites(tl(w(2, 201, S, 0.4)), []).writeRtoSeconds).toBe(1);
    expect(measureWrites(tl(w(2, 201, S, 1.6)), []).writeRtoSeconds).toBe(1.002);
  });

  test('without an outage there is no RTO and nothing before the switch, whatever was written', () => {
    const m = measureWrites({ probes: [w(0.5, 503, S), w(2, 201, S)], phases: phases(['steady', 0, 1]) }, [sw('secondary', 1, 2)]);
    expect(m.writeRtoSeconds).toBeNull();
    expect(m.beforeSwitch).toEqual({ writes: 0, errors: 0, codes: {} });
  });

  test('before the switch: writes sent from the outage start (inclusive) until the switch was seen (exclusive)', () => {
    const probes = [w(0.99, 500, null), w(1, 404, null), w(1.5, undefined, null), w(1.99, 201, S), w(2, 503, S)];
    const m = measureWrites(tl(...probes), [sw('secondary', 1.9, 2)]);
    expect(m.beforeSwitch).toEqual({ writes: 3, errors: 2, codes: { '404': 1, timeout: 1 } });
    // A switch never seen: every write from the outage on.
    expect(measureWrites(tl(...probes), [sw('secondary', 1.9)]).beforeSwitch).toMatchObject({ writes: 4, errors: 3 });
  });

  test('the switch takes from its request to when it was seen; unseen, it has no duration', () => {
    expect(measureWrites(tl(), [sw('secondary', 1.5, 2.2345)]).switchSeconds).toBe(0.735);
    expect(measureWrites(tl(), [sw('secondary', 1.5)]).switchSeconds).toBeNull();
    expect(measureWrites(tl(), [sw('primary', 1.5, 2)]).switchSeconds).toBeNull();
  });

  test('split brain: writes sent once the switch was seen and answered by the primary before the switch back was requested', () => {
    const probes = [
      w(1.95, 201, P, 100), // sent before the switch was seen
      w(2, 201, P), // sent as it was seen: counts
      w(2.5, 201, S),
      w(2.6, 404, null), // no one's answer
      w(3.3, 201, P, 100), // answered at 3.4, as the switch back was requested: not counted
      w(3.2, 201, P, 50), // answered before: counts
    ];
    const m = measureWrites(tl(...probes), [sw('secondary', 1.9, 2), sw('primary', 3.4, 3.6)]);
    expect(m.splitBrainWrites).toBe(2);
    // No switch back: every primary answer after the switch.
    expect(measureWrites(tl(...probes), [sw('secondary', 1.9, 2)]).splitBrainWrites).toBe(3);
    // A switch never seen: no split brain can be told.
    expect(measureWrites(tl(...probes), [sw('secondary', 1.9)]).splitBrainWrites).toBe(0);
  });

  test('the switch back is the first switch to the primary requested at or after the switch to the secondary', () => {
    const probes = [w(3.5, 502, null), w(3.55, 502, null), w(3.6, 201, P), w(4.5, 503, null)];
    const m = measureWrites(tl(...probes), [sw('primary', 0.5, 0.6), sw('secondary', 2, 2.1), sw('primary', 3.5, 3.6)]);
    expect(m.duringSwitchBack).toEqual({ writes: 2, errors: 2, codes: { '502': 2 } });
    // At the same moment as the switch to the secondary counts too.
    const same = measureWrites(tl(...probes), [sw('secondary', 3.5, 3.5), sw('primary', 3.5, 3.6)]);
    expect(same.duringSwitchBack.writes).toBe(2);
    // A switch back never seen: every write from its request on.
    expect(measureWrites(tl(...probes), [sw('secondary', 2, 2.1), sw('primary', 3.5)]).duringSwitchBack).toMatchObject({
      writes: 4,
      errors: 3,
    });
    // No switch to the secondary: no switch back either.
    expect(measureWrites(tl(...probes), [sw('primary', 3.5, 3.6)]).duringSwitchBack).toEqual({ writes: 0, errors: 0, codes: {} });
  });

  test('the switches are kept as given', () => {
    const switches = [sw('secondary', 2, 2.1)];
    expect(measureWrites(tl(), switches).switches).toBe(switches);
  });
});

describe('judgeWrites', () => {
  const m = (over: Partial<WriteMeasurements> = {}): WriteMeasurements => ({
    beforeSwitch: { writes: 3, errors: 2, codes: { '404': 1, timeout: 1 } },
    writeRtoSeconds: 1.5,
    switchSeconds: 0.1,
    duringSwitchBack: { writes: 4, errors: 0, codes: {} },
    splitBrainWrites: 0,
    switches: [],
    ...over,
  });
  const byId = (a: Assertion[], id: string) => a.find((x) => x.id === id)!;

  test('each assertion passes at its threshold and fails past it, naming the measured value and the bound', () => {
    const t = { maxWriteRtoSeconds: 1.5, maxSplitBrainWrites: 1, maxSwitchBackWriteErrors: 2 };
    const passing = judgeWrites(m({ splitBrainWrites: 1, duringSwitchBack: { writes: 4, errors: 2, codes: { '502': 2 } } }), t);
    expect(passing.map((a) => [a.id, a.status, a.measured, a.threshold, a.comparison, a.unit])).toEqual([
      ['write-rto', 'passed', 1.5, 1.5, '<=', 's'],
      ['split-brain-writes', 'passed', 1, 1, '<=', 'probes'],
      ['switch-back-write-errors', 'passed', 2, 2, '<=', 'errors'],
    ]);
    expect(byId(passing, 'write-rto')).toMatchObject({
      title: 'Write RTO at most 1.5 s',
      message:
        'first write from the secondary 1.5 s after the outage began (2 of 3 writes failed before the switch: 404×1, timeout×1); measured 1.5 s, threshold at most 1.5 s',
    });
    expect(byId(passing, 'split-brain-writes')).toMatchObject({
      title: 'Writes reaching the primary after the switch at most 1',
      message: '1 writes reached the primary after the switch to the secondary; measured 1, threshold at most 1 probes',
    });
    expect(byId(passing, 'switch-back-write-errors')).toMatchObject({
      title: 'Write errors during the switch back at most 2',
      message: '2 of 4 writes failed during the switch back (502×2); measured 2, threshold at most 2 errors',
    });
    const failing = judgeWrites(
      m({ writeRtoSeconds: 1.501, splitBrainWrites: 2, duringSwitchBack: { writes: 4, errors: 3, codes: {} } }),
      t,
    );
    expect(failing.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
  });

  test('a clean run lists no outcomes; an RTO never measured fails, saying nothing was measured', () => {
    const clean = judgeWrites(m({ beforeSwitch: { writes: 2, errors: 0, codes: {} } }), DEFAULT_WRITE_THRESHOLDS);
    expect(byId(clean, 'write-rto').message).toBe(
      'first write from the secondary 1.5 s after the outage began (0 of 2 writes failed before the switch); measured 1.5 s, threshold at most 120 s',
    );
    expect(byId(clean, 'switch-back-write-errors').message).toBe(
      '0 of 4 writes failed during the switch back; measured 0, threshold at most 0 errors',
    );
    const none = byId(judgeWrites(m({ writeRtoSeconds: null }), DEFAULT_WRITE_THRESHOLDS), 'write-rto');
    expect(none).toMatchObject({ status: 'failed', measured: null });
    expect(none.message).toBe('no write was served by the secondary after the outage began; measured nothing, threshold at most 120 s');
  });
});

describe('withWriteAssertions', () => {
  const good: WriteMeasurements = {
    beforeSwitch: { writes: 3, errors: 1, codes: { '404': 1 } },
    writeRtoSeconds: 1.5,
    switchSeconds: 0.1,
    duringSwitchBack: { writes: 4, errors: 0, codes: {} },
    splitBrainWrites: 0,
    switches: [],
  };
  const bad: WriteMeasurements = { ...good, splitBrainWrites: 2 };
  const report = (measurements: WriteMeasurements) => ({ thresholds: DEFAULT_WRITE_THRESHOLDS, measurements });
  const verdict = (outcome: Verdict['outcome'], summary: string): Verdict => ({
    outcome,
    exitCode: outcome === 'passed' ? 0 : outcome === 'failed' ? 1 : 3,
    assertions: [],
    summary,
  });

  test('a passing run gains the write line on its first summary line only', () => {
    const v = withWriteAssertions(verdict('passed', 'PASSED: failover 1 s\nsecond line'), report(good));
    expect(v.outcome).toBe('passed');
    expect(v.summary).toBe('PASSED: failover 1 s, write RTO 1.5 s (1 write errors before the switch), 0 split-brain writes\nsecond line');
    expect(v.assertions).toHaveLength(3);
  });

  test('a failed write assertion fails a passing run; a failed run keeps its summary and gains the reason', () => {
    const passed = withWriteAssertions(verdict('passed', 'PASSED: failover 1 s'), report(bad));
    expect(passed).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(passed.summary).toBe(
      'FAILED: 2 writes reached the primary after the switch to the secondary; measured 2, threshold at most 0 probes',
    );
    const failed = withWriteAssertions(verdict('failed', 'FAILED: failover took 9 s'), report(bad));
    expect(failed).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(failed.summary).toBe(
      'FAILED: failover took 9 s; 2 writes reached the primary after the switch to the secondary; measured 2, threshold at most 0 probes',
    );
    const two = withWriteAssertions(verdict('passed', 'PASSED'), report({ ...bad, writeRtoSeconds: null }));
    expect(two.summary).toMatch(
      /^FAILED: no write was served by the secondary after the outage began; [^;]+; 2 writes reached the primary/,
    );
  });

  test('an aborted run stays aborted with its summary, the write assertions listed', () => {
    const v = withWriteAssertions(verdict('aborted', 'ABORTED during teardown: SIGINT'), report(bad));
    expect(v).toMatchObject({ outcome: 'aborted', exitCode: 3, summary: 'ABORTED during teardown: SIGINT' });
    expect(v.assertions.map((a) => a.id)).toEqual(['write-rto', 'split-brain-writes', 'switch-back-write-errors']);
  });
});

/**
 * The timeline's vocabulary and the attribution of answers: the phases and their titles agree,
 * what counts as a 2xx and as an outcome, and how an answer without a usable header is attributed
 * from the direct probes that had answered by then.
 */
import { describe, expect, test } from '@jest/globals';
import { attribute, roleFromServedBy } from '../../harness/analysis/attribution.js';
import {
  completedAt,
  isSuccess,
  outcomeCode,
  PHASE_TITLES,
  phaseOf,
  PHASES,
  PROBED_PHASES,
  type ProbeRecord,
} from '../../harness/analysis/timeline.js';
import { direct, edge, phases, write } from './timelines.js';

describe('phases', () => {
  test('every phase has a title of its own, and only phases have one', () => {
    expect(Object.keys(PHASE_TITLES).sort()).toEqual([...PHASES].sort());
    const titles = PHASES.map((p) => PHASE_TITLES[p]);
    expect(new Set(titles).size).toBe(PHASES.length);
    for (const t of titles) expect(t).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
  });

  test('the probed phases are the drill phases from steady state to failback, in the drill order', () => {
    const from = PHASES.indexOf('steady');
    expect(new Set(PHASES).size).toBe(PHASES.length);
    expect([...PROBED_PHASES]).toEqual(PHASES.slice(from, PHASES.indexOf('failback') + 1));
    expect(PHASES.indexOf('preflight')).toBeLessThan(from);
    expect(PHASES.indexOf('teardown')).toBeGreaterThan(PHASES.indexOf('failback'));
  });

  test('phaseOf finds a phase by name, or nothing', () => {
    const ph = phases(['steady', 0, 1], ['inject', 1, 2]);
    expect(phaseOf({ probes: [], phases: ph }, 'inject')).toBe(ph[1]);
    expect(phaseOf({ probes: [], phases: ph }, 'recover')).toBeUndefined();
  });
});

describe('outcomes', () => {
  test('a 2xx is from 200 through 299; no status is no success', () => {
    const p = (status?: number): ProbeRecord =>
      edge({ t: 0, phase: 'steady', ...(status !== undefined ? { status } : { error: 'timeout' }) });
    expect([199, 200, 204, 299, 300, 404].map((s) => isSuccess(p(s)))).toEqual([false, true, true, true, false, false]);
    expect(isSuccess(p())).toBe(false);
  });

  test('the outcome is the status, else the error, else that nothing came back', () => {
    const base = edge({ t: 0, phase: 'steady' });
    expect(outcomeCode({ ...base, status: 503, error: 'timeout' })).toBe('503');
    expect(outcomeCode({ ...base, error: 'ECONNREFUSED' })).toBe('ECONNREFUSED');
    expect(outcomeCode(base)).toBe('no response');
  });

  test('an answer arrives its latency after it was sent', () => {
    const p = edge({ t: 1, phase: 'steady', latencyMs: 250 });
    expect(completedAt(p) - p.sentAt).toBe(250);
  });
});

describe('roleFromServedBy', () => {
  test('the role is the part before the first slash, in any case, trimmed', () => {
    expect(roleFromServedBy('PRIMARY')).toBe('primary');
    expect(roleFromServedBy('secondary/us-west-2/extra')).toBe('secondary');
    expect(roleFromServedBy('\tprimary\n')).toBe('primary');
    expect(roleFromServedBy('us-east-1/primary')).toBeUndefined();
    expect(roleFromServedBy('primaryx/us-east-1')).toBeUndefined();
  });
});

describe('attribute', () => {
  const P = 'primary/us-east-1';
  const S = 'secondary/us-west-2';
  const seen = (probes: ProbeRecord[]) => attribute(probes).map((p) => [p.servedBy, p.attribution]);

  test('a header is believed for any answer, failures too; a cancelled probe or one without an answer is nobody’s', () => {
    expect(
      seen([
        edge({ t: 0, phase: 'steady', status: 503, header: S }),
        write({ t: 0, phase: 'steady', status: 201, header: P }),
        { ...edge({ t: 0, phase: 'steady', status: 200, header: P }), cancelled: true },
        edge({ t: 0, phase: 'steady', error: 'timeout', header: P }),
      ]),
    ).toEqual([
      ['secondary', 'header'],
      ['primary', 'header'],
      [undefined, 'unattributed'],
      [undefined, 'unattributed'],
    ]);
  });

  test('a header naming no origin is no header: the answer is attributed by elimination', () => {
    const probes = [direct('primary', true, { t: 0, phase: 'steady' }), edge({ t: 1, phase: 'steady', status: 200, header: 'envoy' })];
    expect(seen(probes)[1]).toEqual(['primary', 'elimination']);
  });

  test('elimination reads the direct probes answered by the time the edge probe was sent, exactly then included', () => {
    // The direct probe of the primary sent at 0 is answered at 0.002.
    const probes = [
      direct('primary', true, { t: 0, phase: 'steady' }),
      edge({ t: 0.002, phase: 'steady', status: 200, header: null }),
      edge({ t: 0.001, phase: 'steady', status: 200, header: null }),
    ];
    expect(seen(probes).slice(1)).toEqual([
      ['primary', 'elimination'],
      [undefined, 'unattributed'],
    ]);
  });

  test('the latest answer of each origin wins, in the order they were answered, not sent', () => {
    const probes = [
      direct('primary', false, { t: 0, phase: 'steady', latencyMs: 500 }), // answered at 0.5: down
      direct('primary', true, { t: 0.1, phase: 'steady' }), // answered at 0.102: up
      direct('secondary', true, { t: 0.1, phase: 'steady' }),
      edge({ t: 0.2, phase: 'steady', status: 200, header: null }),
      edge({ t: 0.6, phase: 'steady', status: 200, header: null }),
    ];
    expect(seen(probes).slice(3)).toEqual([
      ['primary', 'elimination'],
      ['secondary', 'elimination'],
    ]);
  });

  test('a primary down and a secondary not known up, or down, leave the answer unattributed', () => {
    const down = [direct('primary', false, { t: 0, phase: 'steady' }), edge({ t: 1, phase: 'steady', status: 200, header: null })];
    expect(seen(down)[1]).toEqual([undefined, 'unattributed']);
    const both = [
      direct('primary', false, { t: 0, phase: 'steady' }),
      direct('secondary', false, { t: 0, phase: 'steady' }),
      edge({ t: 1, phase: 'steady', status: 200, header: null }),
    ];
    expect(seen(both)[2]).toEqual([undefined, 'unattributed']);
  });

  test('cancelled direct probes, and direct probes without an origin, say nothing', () => {
    const probes: ProbeRecord[] = [
      direct('primary', true, { t: 0, phase: 'steady' }),
      { ...direct('primary', false, { t: 0.1, phase: 'steady' }), cancelled: true },
      { ...direct('primary', false, { t: 0.1, phase: 'steady' }), origin: undefined },
      edge({ t: 1, phase: 'steady', status: 200, header: null }),
    ];
    expect(seen(probes)[3]).toEqual(['primary', 'elimination']);
  });

  test('a direct probe is its own origin’s, and the records keep their order and fields', () => {
    const probes = [direct('secondary', false, { t: 0, phase: 'steady' }), edge({ t: 1, phase: 'steady', status: 200, header: P })];
    const out = attribute(probes);
    expect(out[0]).toEqual({ ...probes[0], servedBy: 'secondary', attribution: 'header' });
    expect(out[1]).toEqual({ ...probes[1], servedBy: 'primary', attribution: 'header' });
  });

  test('among many direct answers, the last one before the edge probe decides', () => {
    // The primary alternates up and down every 0.1 s; the edge probes are sent between its answers.
    const probes: ProbeRecord[] = [direct('secondary', true, { t: 0, phase: 'steady' })];
    for (let i = 0; i < 20; i++) probes.push(direct('primary', i % 2 === 0, { t: i * 0.1, phase: 'steady' }));
    const edges = [0.05, 0.15, 0.95, 1.05, 1.85, 1.95].map((t) => edge({ t, phase: 'steady', status: 200, header: null }));
    expect(
      attribute([...probes, ...edges])
        .slice(-6)
        .map((p) => p.servedBy),
    ).toEqual(['primary', 'secondary', 'secondary', 'primary', 'primary', 'secondary']);
  });
});

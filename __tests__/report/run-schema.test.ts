import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeOf, InputError } from '../../core/errors.js';
import { main, type CliIo } from '../../harness/cli.js';
import { parseRunRecord } from '../../harness/report/run-record.js';
import { healthyDrill } from '../analysis/timelines.js';
import { runRecordOf } from './fixtures.js';

/** A valid run record as run.json holds it (plain JSON). */
function savedRun(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(runRecordOf(healthyDrill()))) as Record<string, unknown>;
}

function refusal(json: unknown): InputError {
  try {
    parseRunRecord(json, 'run.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect(exitCodeOf(err)).toBe(2);
    return err as InputError;
  }
  throw new Error('the record was accepted');
}

describe('run.json is validated whole', () => {
  test('a record the drill wrote is accepted, unknown fields kept', () => {
    const run = { ...savedRun(), addedLater: { x: 1 } };
    expect(parseRunRecord(run, 'run.json')).toEqual(run);
  });

  const cases: [string, (r: Record<string, unknown>) => unknown, string][] = [
    ['probes: [null]', (r) => ({ ...r, probes: [null] }), 'probes[0] (from run.json) = null: allowed: a probe record'],
    ['settings: {}', (r) => ({ ...r, settings: {} }), 'settings.thresholds (from run.json) = (missing): allowed: the thresholds'],
    ['phases: [null]', (r) => ({ ...r, phases: [null] }), 'phases[0] (from run.json) = null: allowed: a phase record'],
    [
      'an unknown abort phase',
      (r) => ({ ...r, status: 'aborted', abort: { phase: 'lunch', cause: 'signal', reason: 'x' } }),
      'abort.phase (from run.json) = "lunch": allowed: a phase name: preflight, provision, steady',
    ],
    [
      'a numeric abort reason',
      (r) => ({ ...r, status: 'aborted', abort: { phase: 'failover', cause: 'signal', reason: 42 } }),
      'abort.reason (from run.json) = 42: allowed: a string',
    ],
    [
      'a numeric phase detail',
      (r) => ({ ...r, phases: [{ ...(r.phases as object[])[0], detail: 7 }] }),
      'phases[0].detail (from run.json) = 7: allowed: a string',
    ],
    [
      'a missing cleanup',
      (r) => {
        const { cleanup: _cleanup, ...rest } = r;
        return rest;
      },
      'cleanup (from run.json) = (missing): allowed: an array of cleanup steps',
    ],
    [
      'a probe with a string seq',
      (r) => ({ ...r, probes: [{ ...(r.probes as object[])[0], seq: '1' }] }),
      'probes[0].seq (from run.json) = "1": allowed: a number',
    ],
    [
      'a bad version',
      (r) => ({ ...r, version: 9 }),
      'version (from run.json) = 9: allowed: 1; this file is not a dr-drill run record of version 1',
    ],
    ['not an object', () => null, 'run record (from run.json) = null: allowed: a dr-drill run record'],
    ['an array', () => [], 'run record (from run.json) = []: allowed: a dr-drill run record'],
    ['a bad start time', (r) => ({ ...r, startedAt: 'yesterday' }), 'startedAt (from run.json) = "yesterday": allowed: an ISO 8601 time'],
    ['a missing verdict', (r) => ({ ...r, verdict: undefined }), 'verdict (from run.json) = (missing): allowed: the verdict'],
    [
      'a bad primaryResumed',
      (r) => ({ ...r, primaryResumed: 'yes' }),
      'primaryResumed (from run.json) = "yes": allowed: true, false or null',
    ],
    [
      'a bad error-code key count',
      (r) => {
        const m = r.measurements as { totals: { viewerGets: Record<string, unknown> } };
        return { ...r, measurements: { ...m, totals: { ...m.totals, viewerGets: { ...m.totals.viewerGets, codes: { '503': -1 } } } } };
      },
      'measurements.totals.viewerGets.codes["503"] (from run.json) = -1: allowed: a number >= 0',
    ],
  ];
  test.each(cases)('%s is refused with the path of the bad field (exit 2)', (_name, mutate, expected) => {
    const err = refusal(mutate(savedRun()));
    expect(err.message).toContain(expected);
    expect(err.message).not.toMatch(/TypeError|Invalid input: expected/);
  });

  test('thousands of bad probes give a bounded message', () => {
    const err = refusal({ ...savedRun(), probes: Array.from({ length: 5000 }, () => null) });
    expect(err.problems).toHaveLength(10);
    expect(err.message).toContain('the first 10 of 5000 shown');
    expect(err.message.length).toBeLessThan(3000);
  });
});

describe('dr-drill report on a damaged run.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-schema-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function io(): CliIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      cwd: dir,
      env: {},
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
    };
  }

  test.each([
    ['probes: [null]', { probes: [null] }, 'probes[0]'],
    ['settings: {}', { settings: {} }, 'settings.thresholds'],
    ['phases: [null]', { phases: [null] }, 'phases[0]'],
    ['an unknown abort phase', { status: 'aborted', abort: { phase: 'nap', cause: 'signal', reason: 'x' } }, 'abort.phase'],
    ['a numeric reason', { status: 'aborted', abort: { phase: 'failover', cause: 'signal', reason: 1 } }, 'abort.reason'],
    ['a missing cleanup', { cleanup: undefined }, 'cleanup'],
  ])('%s: exit 2 with the path, no stack, nothing written', async (_name, change, path) => {
    const run = join(dir, 'run');
    mkdirSync(run);
    const text = JSON.stringify({ ...savedRun(), ...change });
    writeFileSync(join(run, 'run.json'), text);
    const cli = io();
    expect(await main(['report', run], cli)).toBe(2);
    const stderr = cli.err.join('');
    expect(stderr).toContain(`${path} (from `);
    expect(stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(readdirSync(run)).toEqual(['run.json']);
    expect(readFileSync(join(run, 'run.json'), 'utf8')).toBe(text);
  });
});

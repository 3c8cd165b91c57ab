import { rejudge } from '../../harness/report/run-record.js';
import { healthyDrill, STANDARD_PHASES } from '../analysis/timelines.js';
import { runRecordOf } from './fixtures.js';

describe('a run with no data never passes', () => {
  test('a healthy run still passes', () => {
    const run = runRecordOf(healthyDrill());
    expect(run.verdict.outcome).toBe('passed');
    expect(run.exitCode).toBe(0);
  });

  test('phases: [] and no probes judges as a failure (exit 1), every assertion failed for want of data', () => {
    const run = runRecordOf({ phases: [], probes: [] });
    expect(run.verdict.outcome).toBe('failed');
    expect(run.exitCode).toBe(1);
    expect(run.verdict.assertions.map((a) => a.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(run.verdict.summary).toMatch(/^FAILED: no data to judge\. /);
    expect(run.verdict.assertions[2]!.message).toBe('nothing was measured (not reached)');
  });

  test('phases: [] with the probes of a healthy run still fails: nothing says the phases ran', () => {
    const run = rejudge({ ...runRecordOf(healthyDrill()), phases: [] });
    expect(run.verdict.outcome).toBe('failed');
    expect(run.exitCode).toBe(1);
  });

  test('a run whose failback was never observed, without an abort, fails', () => {
    const base = healthyDrill();
    const phases = STANDARD_PHASES.filter((p) => p.name !== 'failback');
    const run = runRecordOf({ probes: base.probes, phases });
    expect(run.verdict.outcome).toBe('failed');
    expect(run.exitCode).toBe(1);
    const failback = run.verdict.assertions.find((a) => a.id === 'failback-time')!;
    expect(failback).toMatchObject({ status: 'failed', message: 'nothing was measured (not reached)' });
    expect(run.verdict.assertions.find((a) => a.id === 'failover-time')!.status).toBe('passed');
  });

  test('an aborted run stays aborted (exit 3) with its unreached assertions skipped', () => {
    const base = healthyDrill();
    const run = runRecordOf(
      { probes: base.probes, phases: STANDARD_PHASES.slice(0, 4) },
      { status: 'aborted', abort: { phase: 'failover', cause: 'signal', reason: 'SIGINT received' } },
    );
    expect(run.verdict.outcome).toBe('aborted');
    expect(run.exitCode).toBe(3);
    expect(run.verdict.assertions.find((a) => a.id === 'failback-time')!.status).toBe('skipped');
  });
});

/**
 * Generated drill histories: run records made from hand-made timelines and judged by the real
 * analysis (`runRecordOf` rejudges each), with a fingerprint, one run a night. Scenarios give the
 * failover and failback lags of each run; the records' figures are what the analysis measures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../harness/analysis/verdict.js';
import { runFingerprint } from '../../harness/report/fingerprint.js';
import type { RunRecord } from '../../harness/report/run-record.js';
import { healthyDrill } from '../analysis/timelines.js';
import { runRecordOf } from '../report/fixtures.js';

export const DAY_MS = 86_400_000;
export const HISTORY_START = Date.parse('2026-01-01T03:17:00.000Z');

export interface GeneratedRun {
  /** Seconds from the primary's failure to the edge switching (0 to 1.9). */
  readonly failoverLagS: number;
  /** Seconds from the primary's recovery to the edge switching back (0 to 1.9). */
  readonly failbackLagS: number;
  readonly fault?: string;
  readonly projectVersion?: string;
  readonly thresholds?: Partial<Thresholds>;
  /** An older record: no fingerprint, no projectVersion. */
  readonly noFingerprint?: boolean;
  readonly status?: 'completed' | 'aborted';
}

/** The record of night `i` of a history. */
export function generatedRun(i: number, g: GeneratedRun): RunRecord {
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, maxViewerGetErrors: 1000, ...g.thresholds };
  const fault = g.fault ?? 'pause';
  const t0 = HISTORY_START + i * DAY_MS;
  const runId = `${new Date(t0).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'z').toLowerCase()}-g${String(i).padStart(5, '0')}`;
  const probe = { rateHz: 10, directRateHz: 10, writeRateHz: 0, timeoutMs: 10_000, connectTimeoutMs: 2_000, path: '/' };
  const record = runRecordOf(healthyDrill({ failoverLagS: g.failoverLagS, failbackLagS: g.failbackLagS }), {
    runId,
    settings: {
      thresholds,
      fault,
      probe,
      steadyTimeoutSeconds: 20,
      observeTimeoutSeconds: 30,
      holdSeconds: 2,
      teardownTimeoutSeconds: 60,
    },
    ...(g.status === 'aborted'
      ? { status: 'aborted' as const, abort: { phase: 'failback' as const, cause: 'signal' as const, reason: 'SIGTERM received' } }
      : {}),
    ...(g.noFingerprint
      ? {}
      : {
          projectVersion: g.projectVersion ?? '0.1.0',
          fingerprint: runFingerprint({
            target: 'local',
            backend: 'apprunner',
            fault,
            originTimeouts: {
              primary: { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 5 },
              secondary: { connectionAttempts: 1, connectionTimeoutSeconds: 1, readTimeoutSeconds: 5 },
            },
            failoverCodes: [404, 500, 502, 503, 504],
            thresholds,
            probe,
            holdSeconds: 2,
            projectVersion: g.projectVersion ?? '0.1.0',
          }),
        }),
  });
  // The timeline's clock starts at T0; the history's nights are a day apart.
  return { ...record, startedAt: new Date(t0).toISOString(), endedAt: new Date(t0 + 60_000).toISOString() };
}

export const generatedHistory = (runs: readonly GeneratedRun[]): RunRecord[] => runs.map((g, i) => generatedRun(i, g));

/** A small deterministic noise in [-amp, amp] (a linear congruential sequence). */
export function noise(seed: number, amp: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 2 * amp;
}

/** Writes each record as `<dir>/<nnnnn>/run.json`. */
export function writeHistory(dir: string, records: readonly RunRecord[]): void {
  records.forEach((r, i) => {
    const runDir = join(dir, String(i).padStart(5, '0'));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(r)}\n`);
  });
}

export const clampLag = (x: number) => Math.min(1.9, Math.max(0, Math.round(x * 100) / 100));

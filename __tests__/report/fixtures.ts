import type { Timeline } from '../../harness/analysis/timeline.js';
import { DEFAULT_THRESHOLDS } from '../../harness/analysis/verdict.js';
import { rejudge, RUN_RECORD_VERSION, type RunRecord } from '../../harness/report/run-record.js';
import { T0 } from '../analysis/timelines.js';

/** A run record around a hand-made timeline, judged as the drill would judge it. */
export function runRecordOf(timeline: Timeline, extra: Partial<RunRecord> = {}): RunRecord {
  const draft = {
    version: RUN_RECORD_VERSION,
    runId: '20260101t120000z-abcdef',
    target: 'local',
    startedAt: new Date(T0 - 500).toISOString(),
    endedAt: new Date(T0 + 5200).toISOString(),
    status: 'completed',
    exitCode: 0,
    settings: {
      thresholds: DEFAULT_THRESHOLDS,
      fault: 'pause',
      probe: { rateHz: 10, directRateHz: 10, writeRateHz: 0, timeoutMs: 10_000, path: '/' },
      steadyTimeoutSeconds: 20,
      observeTimeoutSeconds: 30,
      holdSeconds: 2,
      teardownTimeoutSeconds: 60,
    },
    endpoints: {
      edgeUrl: 'http://127.0.0.1:1000',
      origins: {
        primary: { role: 'primary', region: 'us-east-1', url: 'http://127.0.0.1:1001' },
        secondary: { role: 'secondary', region: 'us-west-2', url: 'http://127.0.0.1:1002' },
      },
      servedByHeader: 'x-served-by',
      details: {},
    },
    phases: timeline.phases,
    probes: timeline.probes,
    cleanup: [
      { name: 'resume the primary', status: 'skipped', detail: 'nothing to undo', durationMs: 0 },
      { name: 'teardown', status: 'ran', detail: 'edge closed; origins stopped', durationMs: 12 },
    ],
    teardown: { attempted: true, ok: true, detail: 'edge closed; origins stopped' },
    primaryResumed: true,
    ...extra,
  } as unknown as RunRecord;
  return rejudge(draft);
}

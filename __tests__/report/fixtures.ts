import type { PhaseName, ProbeRecord, Timeline } from '../../harness/analysis/timeline.js';
import { DEFAULT_THRESHOLDS } from '../../harness/analysis/verdict.js';
import { DEFAULT_WRITE_THRESHOLDS, measureWrites, withWriteAssertions } from '../../harness/analysis/writes.js';
import { rejudge, RUN_RECORD_VERSION, type RunRecord } from '../../harness/report/run-record.js';
import { direct, edge, healthyDrill, phaseAt, phases, STANDARD_PHASES, T0, times, write } from '../analysis/timelines.js';

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

/**
 * A blackhole run: the primary stops answering at 1.05 s; the edge GETs sent from then on hang
 * until the edge gives up on it and asks the secondary, `lagS` later, so they are all answered at
 * once by the secondary; the direct probes of the primary time out. Recovery at 8 s.
 */
export function blackholeRun(lagS = 5): RunRecord {
  const downAt = 1.05;
  const upAt = 8.05;
  const switchAt = downAt + lagS;
  const phaseOfT = (t: number): PhaseName =>
    t < 1 ? 'steady' : t < 1.1 ? 'inject' : t < 8 ? 'failover' : t < 8.1 ? 'recover' : 'failback';
  const probes: ProbeRecord[] = [];
  for (const t of times(0, 10)) {
    const phase = phaseOfT(t);
    if (t < downAt || t >= upAt) probes.push(edge({ t, phase, status: 200, header: 'primary/us-east-1' }));
    else if (t < switchAt) probes.push(edge({ t, phase, status: 200, header: 'secondary/us-west-2', latencyMs: Math.round((switchAt - t) * 1000) + 5 }));
    else probes.push(edge({ t, phase, status: 200, header: 'secondary/us-west-2' }));
    const td = Math.round((t + 0.05) * 1000) / 1000;
    const up = td < downAt || td >= upAt;
    probes.push(direct('primary', up, { t: td, phase: phaseOfT(td), ...(up ? {} : { error: 'timeout', latencyMs: 1000 }) }));
    probes.push(direct('secondary', true, { t: td, phase: phaseOfT(td) }));
  }
  const spans = phases(
    ['preflight', -0.5, -0.4],
    ['provision', -0.4, 0],
    ['steady', 0, 1],
    ['inject', 1, 1.1],
    ['failover', 1.1, 8],
    ['recover', 8, 8.1],
    ['failback', 8.1, 10],
    ['teardown', 10, 10.2],
  );
  return runRecordOf(
    { probes, phases: spans },
    { settings: { ...runRecordOf({ probes: [], phases: [] }).settings, fault: 'blackhole' }, endedAt: new Date(T0 + 10_300).toISOString() },
  );
}

/**
 * A run under the write router: writes fail from the outage until the switch to the secondary,
 * requested as the failover is observed; the switch back is requested as the failback is.
 */
export function writeRouterRun(maxWriteRtoSeconds = 120): RunRecord {
  const timeline = {
    probes: [
      ...healthyDrill().probes,
      ...times(0, 5, 0.5).map((t) =>
        t >= 2 && t < 3.5
          ? write({ t, phase: phaseAt(t), status: 201, header: 'secondary/us-west-2' })
          : t >= 1.05 && t < 3.05
            ? write({ t, phase: phaseAt(t), status: 404, header: null })
            : write({ t, phase: phaseAt(t), status: 201, header: 'primary/us-east-1' }),
      ),
    ],
    phases: STANDARD_PHASES,
  };
  const switches = [
    { to: 'secondary' as const, requestedAt: T0 + 1900, observedAt: T0 + 2005, delaySeconds: 0.9, delayBasis: 'modelled: test' },
    { to: 'primary' as const, requestedAt: T0 + 3100, observedAt: T0 + 3505, delaySeconds: 0, delayBasis: 'by hand' },
  ];
  const writes = { thresholds: { ...DEFAULT_WRITE_THRESHOLDS, maxWriteRtoSeconds }, measurements: measureWrites(timeline, switches) };
  const base = runRecordOf(timeline, { settings: { ...runRecordOf({ probes: [], phases: [] }).settings, probe: { rateHz: 10, directRateHz: 10, writeRateHz: 2, timeoutMs: 10_000, path: '/' } } as RunRecord['settings'] });
  return { ...base, writes, verdict: withWriteAssertions(base.verdict, writes) };
}

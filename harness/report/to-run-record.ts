/**
 * The run record from a drill's final state: measurements and verdict from its timeline, the
 * cleanup and the primary's standing from the state the phases wrote. Pure.
 */
import { withAlarmAssertions, type AlarmsReport } from '../analysis/alarms.js';
import { measure } from '../analysis/measure.js';
import { judge, negativeControl } from '../analysis/verdict.js';
import { DEFAULT_WRITE_THRESHOLDS, measureWrites, withWriteAssertions } from '../analysis/writes.js';
import type { DrillSettings } from '../drill/settings.js';
import { effectiveThresholds, primaryResumed, type DrillState } from '../drill/state.js';
import { formatFault, type Endpoints, type OriginTimeouts } from '../targets/target.js';
import { fingerprintConfigFields, runFingerprint, type RunFingerprint } from './fingerprint.js';
import { exitCodeFor, RUN_RECORD_VERSION, type PublicEndpoints, type RunRecord } from './run-record.js';

/** run.json fields the drill itself does not know, and the report phase's own times. */
export interface RunContext extends Pick<RunRecord, 'config' | 'stack' | 'projectVersion'> {
  /** When the report phase started and when the run ended (epoch ms). @default - the last phase's end */
  readonly reportStartedAt?: number;
  readonly endedAt?: number;
}

export function toRunRecord(state: DrillState, settings: DrillSettings, context: RunContext = {}): RunRecord {
  const { reportStartedAt, endedAt, ...known } = context;
  const lastEnd = state.phases[state.phases.length - 1]?.endedAt ?? state.startedAt;
  const reportStart = reportStartedAt ?? lastEnd;
  const end = endedAt ?? reportStart;
  const phases = [...state.phases, { name: 'report' as const, startedAt: reportStart, endedAt: end, status: 'passed' as const }];
  const thresholds = effectiveThresholds(state, settings);
  const timeline = { probes: state.probes, phases: state.phases };
  const measurements = measure(timeline);
  const verdict = judge({
    measurements,
    thresholds,
    phases: state.phases,
    ...(state.abort ? { aborted: { phase: state.abort.phase, reason: state.abort.reason } } : {}),
    ...(settings.expect === 'no-failover' ? { noFailover: negativeControl(settings.fault, formatFault(settings.fault), timeline) } : {}),
  });
  const writes = state.routesWrites
    ? { thresholds: settings.writes?.thresholds ?? DEFAULT_WRITE_THRESHOLDS, measurements: measureWrites(timeline, state.writeSwitches) }
    : undefined;
  const alarms: AlarmsReport | undefined = settings.alarms
    ? {
        plan: settings.alarms,
        results: state.alarms?.results ?? [],
        guards: state.alarms?.guards ?? [],
        ...(state.alarms?.stoppedBy ? { stoppedBy: state.alarms.stoppedBy } : {}),
      }
    : undefined;
  const withWrites = writes ? withWriteAssertions(verdict, writes) : verdict;
  const finalVerdict = alarms ? withAlarmAssertions(withWrites, alarms) : withWrites;
  const { writes: _writeSettings, alarms: _alarmPlan, ...drillSettings } = settings;
  const teardownStep = state.cleanup.find((r) => r.name === 'teardown');
  const draft: Omit<RunRecord, 'exitCode'> = {
    version: RUN_RECORD_VERSION,
    runId: state.runId,
    target: state.target,
    startedAt: new Date(state.startedAt).toISOString(),
    endedAt: new Date(end).toISOString(),
    status: state.abort ? 'aborted' : state.stoppedBy ? 'stopped' : 'completed',
    ...(state.abort ? { abort: state.abort } : {}),
    settings: {
      ...drillSettings,
      thresholds,
      fault: formatFault(settings.fault),
      expectedFailover: state.expectedFailover,
      failoverThreshold: state.failoverThreshold,
    },
    ...known,
    ...(state.endpoints ? { endpoints: publicEndpoints(state.endpoints) } : {}),
    phases,
    probes: state.probes,
    probeStats: { skippedTicks: state.skippedTicks },
    measurements,
    ...(writes ? { writes } : {}),
    ...(alarms ? { alarms } : {}),
    verdict: finalVerdict,
    cleanup: state.cleanup,
    teardown: {
      attempted: teardownStep !== undefined && teardownStep.status !== 'skipped',
      ok: teardownStep === undefined || teardownStep.status !== 'failed',
      detail: state.teardown?.detail ?? teardownStep?.detail ?? 'teardown was not registered: the run ended before provisioning',
    },
    primaryResumed: primaryResumed(state),
    observations: state.observations,
    ...(known.projectVersion !== undefined
      ? { fingerprint: fingerprintOf(state.target, settings, thresholds, known.config, state.endpoints, known.projectVersion) }
      : {}),
  };
  return { ...draft, exitCode: exitCodeFor(draft) };
}

/** The fingerprint of a run: its target, the settings that shape its figures and the project version. */
function fingerprintOf(
  target: string,
  settings: DrillSettings,
  thresholds: RunRecord['settings']['thresholds'],
  config: unknown,
  endpoints: Endpoints | undefined,
  projectVersion: string,
): RunFingerprint {
  const timeoutsOf = endpoints?.originTimeouts;
  return runFingerprint({
    target,
    fault: formatFault(settings.fault),
    ...fingerprintConfigFields(config),
    ...(timeoutsOf ? { originTimeouts: { primary: timeouts(timeoutsOf.primary), secondary: timeouts(timeoutsOf.secondary) } } : {}),
    thresholds,
    probe: settings.probe,
    holdSeconds: settings.holdSeconds,
    projectVersion,
  });
}

/** Endpoints without the headers direct probes send (they may carry the origin-verify secret). */
export function publicEndpoints(e: Endpoints): PublicEndpoints {
  const origin = (role: 'primary' | 'secondary') => ({ role, region: e.origins[role].region, url: e.origins[role].url });
  return {
    edgeUrl: e.edgeUrl,
    origins: { primary: origin('primary'), secondary: origin('secondary') },
    ...(e.writePath ? { writePath: e.writePath } : {}),
    ...(e.writeUrl ? { writeUrl: e.writeUrl } : {}),
    servedByHeader: e.servedByHeader,
    details: e.details,
    ...(e.originTimeouts
      ? { originTimeouts: { primary: timeouts(e.originTimeouts.primary), secondary: timeouts(e.originTimeouts.secondary) } }
      : {}),
  };
}

/** Only the three settings, whatever else the target's object carries. */
function timeouts(o: OriginTimeouts): OriginTimeouts {
  return {
    connectionAttempts: o.connectionAttempts,
    connectionTimeoutSeconds: o.connectionTimeoutSeconds,
    readTimeoutSeconds: o.readTimeoutSeconds,
  };
}

/**
 * The drill: preflight → provision → steady state → inject → observe failover → recover →
 * observe failback → teardown → report. It depends only on the Target interface.
 *
 * Resuming the primary and tearing the world down are registered before the first side
 * effect. A signal (the caller aborts `signal`) or an error in any phase stops probing,
 * resumes the primary, attempts teardown, and writes a report marked aborted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { measure } from '../analysis/measure.js';
import type { PhaseName, PhaseRecord } from '../analysis/timeline.js';
import { DEFAULT_THRESHOLDS, judge, type Thresholds } from '../analysis/verdict.js';
import { now, Prober, type ProberProps } from '../probe/prober.js';
import type { RunRecord } from '../report/run-record.js';
import { exitCodeFor, RUN_RECORD_VERSION } from '../report/run-record.js';
import { formatFault, type Endpoints, type Fault, type Target, type TeardownResult } from '../targets/target.js';
import { CleanupStack, messageOf } from './cleanup.js';
import type { PhaseOutcome, Progress } from './progress.js';
import { LiveView, WaitTimeout } from './watch.js';

/** The prober's settings, all given (see ProberProps for each; DEFAULT_DRILL_SETTINGS has the defaults). */
export type ProbeSettings = Required<
  Pick<ProberProps, 'rateHz' | 'directRateHz' | 'writeRateHz' | 'timeoutMs' | 'connectTimeoutMs' | 'path'>
>;

export interface DrillSettings {
  readonly thresholds: Thresholds;
  /** The fault put into the primary. @default pause */
  readonly fault: Fault;
  readonly probe: ProbeSettings;
  /** Bound on reaching steady state. @default 20 */
  readonly steadyTimeoutSeconds: number;
  /** Bound on each of the observe-failover and observe-failback phases. @default 30 */
  readonly observeTimeoutSeconds: number;
  /**
   * Minimum time each observe phase keeps probing after the fault was injected (failover)
   * or recovery began (failback), so the outage and the recovery are seen for a while. @default 2
   */
  readonly holdSeconds: number;
  /** Bound on resuming the primary and tearing down, together. @default 120 */
  readonly teardownTimeoutSeconds: number;
}

export const DEFAULT_DRILL_SETTINGS: DrillSettings = {
  thresholds: DEFAULT_THRESHOLDS,
  fault: { kind: 'pause' },
  probe: { rateHz: 10, directRateHz: 10, writeRateHz: 0, timeoutMs: 10_000, connectTimeoutMs: 2_000, path: '/' },
  steadyTimeoutSeconds: 20,
  observeTimeoutSeconds: 30,
  holdSeconds: 2,
  teardownTimeoutSeconds: 120,
};

export interface DrillProps {
  readonly target: Target;
  readonly runId: string;
  readonly settings: DrillSettings;
  readonly progress: Progress;
  /** Aborting it (SIGINT, SIGTERM) ends the run: primary resumed, teardown, aborted report. */
  readonly signal: AbortSignal;
  /** run.json fields the drill itself does not know. */
  readonly context?: Pick<RunRecord, 'config' | 'stack'>;
  /** The report phase: writes the reports for the finished record. */
  readonly writeReports: (run: RunRecord) => Promise<void>;
  /** Called once the endpoints are known (e.g. to print them). */
  readonly onEndpoints?: (endpoints: Endpoints) => void;
}

/** Raised inside the drill when the run is stopped by a signal. */
export class DrillAborted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DrillAborted';
  }
}

export async function runDrill(props: DrillProps): Promise<RunRecord> {
  const { target, settings, progress, signal } = props;
  const startedAt = new Date();
  const phases: PhaseRecord[] = [];
  const cleanup = new CleanupStack();
  let current: PhaseName = 'preflight';
  let prober: Prober | undefined;
  let endpoints: Endpoints | undefined;
  let faultInjected = false;
  let primaryCleared = false;
  let stopped = false;
  let teardownResult: TeardownResult | undefined;
  let abort: RunRecord['abort'];

  const runPhase = async <T>(name: PhaseName, work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>): Promise<T> => {
    current = name;
    const t0 = now();
    try {
      signal.throwIfAborted();
      return await recordPhase(name, phases, progress, work);
    } catch (err) {
      phases.push({
        name,
        startedAt: t0,
        endedAt: now(),
        status: 'aborted',
        detail: signal.aborted ? abortReason(signal) : messageOf(err),
      });
      throw err;
    }
  };
  const started = () => phases[phases.length - 1]!.startedAt;
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  try {
    await runPhase('preflight', async () => {
      if (!target.supportedFaults.includes(settings.fault.kind)) {
        throw Object.assign(
          new Error(
            `fault "${formatFault(settings.fault)}" is not supported by the ${target.name} target; allowed: ${target.supportedFaults.join(', ')}`,
          ),
          { kind: 'usage' },
        );
      }
      await target.preflight(signal);
      return { value: undefined, summary: `${target.name} target ready` };
    });

    // Registered before the first side effect; they run last-in first-out.
    cleanup.push('teardown', async (s) => {
      teardownResult = await target.teardown(s);
      if (!teardownResult.ok) throw new Error(teardownResult.detail);
      return teardownResult.detail;
    });
    cleanup.push(
      'resume the primary',
      async (s) => {
        await target.clear('primary', s);
        primaryCleared = true;
        return 'primary serving again';
      },
      { when: () => faultInjected && !primaryCleared && target.faultState?.('primary') !== 'none' },
    );

    endpoints = await runPhase('provision', async () => {
      const t0 = now();
      const e = await target.provision(signal);
      return { value: e, summary: `edge ${e.edgeUrl} (${secs(now() - t0)})` };
    });
    props.onEndpoints?.(endpoints);

    prober = new Prober({
      endpoints,
      runId: props.runId,
      ...settings.probe,
      connectTimeoutMs: Math.min(settings.probe.connectTimeoutMs, settings.probe.timeoutMs),
      phase: () => current,
    });
    const live = new LiveView(prober);
    const n = settings.thresholds.steadyProbes;
    /** Probes until n consecutive edge GETs come from `role`, then holds so the new state is seen for a while. */
    const observe = (name: 'failover' | 'failback', role: 'primary' | 'secondary', since: number, after: string) =>
      runPhase(name, async (update) => {
        const result = await bounded(signal, (s) =>
          live.consecutive(role, n, {
            since,
            timeoutMs: settings.observeTimeoutSeconds * 1000,
            signal: s,
            onTally: (t) => update(`${t.run}/${n} consecutive from the ${role} (${t.errors} errors)`),
          }),
        );
        if (result.ok) await hold(since, settings.holdSeconds, signal);
        return result.ok
          ? { value: undefined, summary: `${n} consecutive edge GETs from the ${role} ${secs(now() - since)} ${after}` }
          : { value: undefined, failed: true, summary: result.reason };
      });

    const steady = await runPhase('steady', async (update) => {
      const since = started();
      prober!.start();
      const timeoutMs = settings.steadyTimeoutSeconds * 1000;
      const result = await bounded(signal, async (s) => {
        await Promise.all([
          live.directAnswer('primary', { since, timeoutMs, signal: s }),
          live.directAnswer('secondary', { since, timeoutMs, signal: s }),
          live.consecutive('primary', n, {
            since,
            timeoutMs,
            signal: s,
            onTally: (t) =>
              update(`${t.run}/${n} consecutive from the primary (${t.byRole.secondary} from the secondary, ${t.errors} errors)`),
          }),
        ]);
      });
      return result.ok
        ? { value: true, summary: `both origins answer; ${n} consecutive edge GETs from the primary (${secs(now() - since)})` }
        : { value: false, failed: true, summary: result.reason };
    });

    if (!steady) {
      stopped = true;
    } else {
      faultInjected = true;
      await runPhase('inject', async () => {
        const t0 = now();
        await target.inject('primary', settings.fault, signal);
        return { value: undefined, summary: `${formatFault(settings.fault)} in effect (${secs(now() - t0)})` };
      });
      const injectStarted = phases.find((p) => p.name === 'inject')!.startedAt;

      await observe('failover', 'secondary', injectStarted, 'after injection');

      await runPhase('recover', async () => {
        const t0 = now();
        await target.clear('primary', signal);
        primaryCleared = true;
        return { value: undefined, summary: `primary restored (${secs(now() - t0)})` };
      });
      const recoverStarted = phases.find((p) => p.name === 'recover')!.startedAt;

      await observe('failback', 'primary', recoverStarted, 'after recovery began');
    }
    await prober.stop();
  } catch (err) {
    abort = signal.aborted
      ? { phase: current, cause: 'signal', reason: abortReason(signal) }
      : {
          phase: current,
          cause: 'error',
          reason: messageOf(err),
          ...(typeof (err as { kind?: unknown }).kind === 'string' ? { errorKind: (err as { kind: string }).kind } : {}),
        };
    await prober?.stop({ cancel: true });
  }

  // Teardown runs on every path, with its own bound: the run's signal may be aborted already.
  const cleanupSignal = AbortSignal.timeout(settings.teardownTimeoutSeconds * 1000);
  const cleanupResults = await recordPhase('teardown', phases, progress, async (update) => {
    const results = await cleanup.run(cleanupSignal, (name) => update(name));
    const failed = results.filter((r) => r.status === 'failed');
    const ran = results.filter((r) => r.status === 'ran').map((r) => r.name);
    return {
      value: results,
      failed: failed.length > 0,
      summary:
        failed.length > 0
          ? failed.map((r) => `${r.name} failed: ${r.detail}`).join('; ')
          : ran.length > 0
            ? ran.map((name) => (name === 'teardown' ? 'world torn down' : 'primary resumed')).join(', ')
            : 'nothing to undo',
    };
  });

  current = 'report';
  const reportStarted = now();
  const timeline = { probes: [...(prober?.probes ?? [])].sort((a, b) => a.seq - b.seq), phases };
  const measurements = measure(timeline);
  const verdict = judge({
    measurements,
    thresholds: settings.thresholds,
    phases,
    ...(abort ? { aborted: { phase: abort.phase, reason: abort.reason } } : {}),
  });
  const teardownStep = cleanupResults.find((r) => r.name === 'teardown');
  const teardownOk = teardownStep === undefined || teardownStep.status !== 'failed';
  const draft: Omit<RunRecord, 'exitCode'> = {
    version: RUN_RECORD_VERSION,
    runId: props.runId,
    target: target.name,
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    status: abort ? 'aborted' : stopped ? 'stopped' : 'completed',
    ...(abort ? { abort } : {}),
    settings: {
      thresholds: settings.thresholds,
      fault: formatFault(settings.fault),
      probe: settings.probe,
      steadyTimeoutSeconds: settings.steadyTimeoutSeconds,
      observeTimeoutSeconds: settings.observeTimeoutSeconds,
      holdSeconds: settings.holdSeconds,
      teardownTimeoutSeconds: settings.teardownTimeoutSeconds,
    },
    ...props.context,
    ...(endpoints ? { endpoints: publicEndpoints(endpoints) } : {}),
    phases: [...phases, { name: 'report', startedAt: reportStarted, endedAt: now(), status: 'passed' }],
    probes: timeline.probes,
    probeStats: { skippedTicks: prober?.skippedTicks ?? 0 },
    measurements,
    verdict,
    cleanup: cleanupResults,
    teardown: {
      attempted: teardownStep !== undefined && teardownStep.status !== 'skipped',
      ok: teardownOk,
      detail: teardownResult?.detail ?? teardownStep?.detail ?? 'teardown was not registered: the run ended before provisioning',
    },
    primaryResumed: faultInjected && target.faultState?.('primary') !== 'none' ? primaryCleared : null,
  };
  const record: RunRecord = { ...draft, exitCode: exitCodeFor(draft) };
  await progress.phase('report', async () => {
    await props.writeReports(record);
    return { value: undefined, summary: verdict.summary.split('\n')[0] };
  });
  return record;
}

/** Runs a phase and records how it ended; teardown uses it directly, since an aborted signal must not skip it. */
async function recordPhase<T>(
  name: PhaseName,
  phases: PhaseRecord[],
  progress: Progress,
  work: (update: (m: string) => void) => Promise<PhaseOutcome<T>>,
): Promise<T> {
  const t0 = now();
  const out = await progress.phase(name, work);
  phases.push({
    name,
    startedAt: t0,
    endedAt: now(),
    status: out.failed ? 'failed' : 'passed',
    ...(out.summary ? { detail: out.summary } : {}),
  });
  return out.value;
}

/**
 * Runs waits under a child signal that is aborted when they settle, so no wait outlives
 * its phase. A WaitTimeout becomes { ok: false }; an abort or other error propagates.
 */
async function bounded<T>(
  signal: AbortSignal,
  wait: (s: AbortSignal) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const child = new AbortController();
  const s = AbortSignal.any([signal, child.signal]);
  try {
    return { ok: true, value: await wait(s) };
  } catch (err) {
    if (err instanceof WaitTimeout) return { ok: false, reason: err.message };
    throw err;
  } finally {
    child.abort();
  }
}

/** Sleeps until `seconds` after `since` (epoch ms); rejects when the signal aborts. */
async function hold(since: number, seconds: number, signal: AbortSignal): Promise<void> {
  const remaining = since + seconds * 1000 - now();
  if (remaining > 0) await sleep(remaining, undefined, { signal });
}

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}

/** Endpoints without the headers direct probes send (they may carry the origin-verify secret). */
function publicEndpoints(e: Endpoints): NonNullable<RunRecord['endpoints']> {
  const origin = (role: 'primary' | 'secondary') => ({ role, region: e.origins[role].region, url: e.origins[role].url });
  return {
    edgeUrl: e.edgeUrl,
    origins: { primary: origin('primary'), secondary: origin('secondary') },
    ...(e.writePath ? { writePath: e.writePath } : {}),
    servedByHeader: e.servedByHeader,
    details: e.details,
  };
}

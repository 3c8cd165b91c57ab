/**
 * Measurements over a timeline: failover and failback times, viewer-visible errors and
 * latency per phase, and the steady-state evidence. Pure functions; no I/O.
 *
 * Definitions (timestamps are epoch milliseconds):
 * - A probe's response time is when its answer (or failure) arrived: sentAt + latencyMs.
 * - The primary's failure is observed at the send time of the first direct probe of the
 *   primary, sent after the fault injection started, that did not get a 2xx. Its recovery
 *   is observed at the send time of the first direct probe, sent after recovery started,
 *   that got a 2xx.
 * - failover time = response time of the first 2xx edge GET served by the secondary
 *   (sent after injection started and before recovery started) − the observed failure.
 * - failback time = response time of the first 2xx edge GET served by the primary (sent
 *   after recovery started) − the observed recovery.
 * - If the edge switched before the direct probes saw the change (the two probe streams
 *   race), the time is reported as 0 and flagged as early.
 */
import { attribute, type AttributedProbe, type Attribution } from './attribution.js';
import {
  completedAt,
  isSuccess,
  outcomeCode,
  phaseOf,
  PROBED_PHASES,
  type PhaseRecord,
  type ProbedPhase,
  type ProbeRecord,
  type Role,
  type Timeline,
} from './timeline.js';

export interface ErrorStats {
  /** Probes that finished (cancelled ones excluded). */
  readonly probes: number;
  /** Probes without a 2xx answer. */
  readonly errors: number;
  /** errors / probes; 0 when there were no probes. */
  readonly rate: number;
  /** Non-2xx outcomes by status code or error ("503", "timeout", "ECONNREFUSED"). */
  readonly codes: Readonly<Record<string, number>>;
}

export interface LatencyStats {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

export interface ServedByCounts {
  readonly primary: number;
  readonly secondary: number;
  /** 2xx answers whose origin could not be told. */
  readonly unknown: number;
}

export interface PhaseMeasurement {
  readonly phase: ProbedPhase;
  readonly durationMs: number;
  /** Edge GET probes: what viewers saw. */
  readonly viewerGets: ErrorStats;
  /** Write probes (POST through the edge): they do not fail over. */
  readonly writes: ErrorStats;
  /** Edge GET latency, failures included. */
  readonly latency: LatencyStats;
  /** Who served the 2xx edge GETs. */
  readonly servedBy: ServedByCounts;
  /** Direct probes of each origin. */
  readonly direct: Readonly<Record<Role, ErrorStats>>;
}

export interface TransitionMeasurement {
  /** The edge switched to the expected origin. */
  readonly observed: boolean;
  /** The time in seconds, never negative; null when it cannot be measured. */
  readonly seconds: number | null;
  /** When the direct probes saw the origin change (epoch ms). */
  readonly originChangedAt: number | null;
  /** When the first edge response from the expected origin arrived (epoch ms). */
  readonly edgeSwitchedAt: number | null;
  /** The edge switched before the direct probes saw the change; seconds is then 0. */
  readonly early: boolean;
  /** Start of the final uninterrupted run of responses from the expected origin (epoch ms). */
  readonly settledAt: number | null;
  /** Times the serving origin changed after the first switch, within the window. */
  readonly flaps: number;
  /** Why a value is missing or flagged, in sentences. */
  readonly notes: readonly string[];
}

export interface SteadyMeasurement {
  /** Each origin answered at least one direct probe with a 2xx during steady state. */
  readonly originsAnswered: Readonly<Record<Role, boolean>>;
  /** Longest run of consecutive 2xx edge GETs served by the primary. */
  readonly longestPrimaryRun: number;
  /**
   * 2xx edge GETs served by the secondary, sent and answered during steady state: the primary was
   * not serving. A probe sent before the fault and answered after it is not one of them.
   */
  readonly secondaryServed: number;
}

export interface AttributionCounts {
  /** Edge and write responses attributed from the served-by header. */
  readonly header: number;
  /** Attributed by elimination (no usable header); the report flags these. */
  readonly elimination: number;
  /** 2xx responses nobody could attribute. */
  readonly unattributed: number;
}

export interface Measurements {
  readonly steady: SteadyMeasurement;
  readonly failover: TransitionMeasurement;
  readonly failback: TransitionMeasurement;
  readonly phases: readonly PhaseMeasurement[];
  /** All probed phases together. */
  readonly totals: {
    readonly viewerGets: ErrorStats;
    readonly writes: ErrorStats;
    readonly latency: LatencyStats;
  };
  readonly attribution: AttributionCounts;
}

/** Edge GETs: the probes that stand for viewers' reads. */
export function isViewerGet(p: AttributedProbe): boolean {
  return p.kind === 'edge' && !p.cancelled;
}

export function measure(timeline: Timeline): Measurements {
  const probes = attribute(timeline.probes);
  const live = probes.filter((p) => !p.cancelled);
  const gets = live.filter(isViewerGet);
  const writes = live.filter((p) => p.kind === 'write');
  const inject = phaseOf(timeline, 'inject');
  const recover = phaseOf(timeline, 'recover');

  const phases = PROBED_PHASES.filter((name) => phaseOf(timeline, name) !== undefined).map((name): PhaseMeasurement => {
    const record = phaseOf(timeline, name)!;
    const inPhase = live.filter((p) => p.phase === name);
    const phaseGets = inPhase.filter(isViewerGet);
    return {
      phase: name,
      durationMs: record.endedAt - record.startedAt,
      viewerGets: errorStats(phaseGets),
      writes: errorStats(inPhase.filter((p) => p.kind === 'write')),
      latency: latencyStats(phaseGets.map((p) => p.latencyMs)),
      servedBy: servedByCounts(phaseGets),
      direct: {
        primary: errorStats(inPhase.filter((p) => p.kind === 'direct' && p.origin === 'primary')),
        secondary: errorStats(inPhase.filter((p) => p.kind === 'direct' && p.origin === 'secondary')),
      },
    };
  });

  return {
    steady: steadyMeasurement(live, phaseOf(timeline, 'steady')),
    failover: transition(live, {
      from: inject?.startedAt,
      until: recover?.startedAt,
      to: 'secondary',
      originChange: (p) => !isSuccess(p),
      what: 'failover',
    }),
    failback: transition(live, {
      from: recover?.startedAt,
      until: undefined,
      to: 'primary',
      originChange: (p) => isSuccess(p),
      what: 'failback',
    }),
    phases,
    totals: {
      viewerGets: errorStats(gets),
      writes: errorStats(writes),
      latency: latencyStats(gets.map((p) => p.latencyMs)),
    },
    attribution: attributionCounts(live.filter((p) => p.kind !== 'direct')),
  };
}

/**
 * Whether a probe belongs to a phase by its whole span: sent at or after the phase began and
 * answered (or failed) before it ended. A probe that straddles a boundary belongs to neither side.
 */
export function withinPhase(p: ProbeRecord, phase: PhaseRecord): boolean {
  return p.sentAt >= phase.startedAt && completedAt(p) <= phase.endedAt;
}

/** Steady state by span: a probe sent before the fault and answered after it says nothing about steady state. */
function steadyMeasurement(live: readonly AttributedProbe[], phase: PhaseRecord | undefined): SteadyMeasurement {
  const steady = live.filter((p) => (phase ? withinPhase(p, phase) : p.phase === 'steady'));
  const answered = (role: Role) => steady.some((p) => p.kind === 'direct' && p.origin === role && isSuccess(p));
  const gets = byCompletion(steady.filter(isViewerGet));
  let run = 0;
  let longest = 0;
  for (const p of gets) {
    run = isSuccess(p) && p.servedBy === 'primary' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return {
    originsAnswered: { primary: answered('primary'), secondary: answered('secondary') },
    longestPrimaryRun: longest,
    secondaryServed: gets.filter((p) => isSuccess(p) && p.servedBy === 'secondary').length,
  };
}

interface TransitionSpec {
  /** Window start: the phase that changes the origin (epoch ms); undefined if never reached. */
  readonly from: number | undefined;
  /** Window end for edge responses (by send time). */
  readonly until: number | undefined;
  /** The origin the edge should switch to. */
  readonly to: Role;
  /** A direct probe of the primary that shows the change. */
  readonly originChange: (p: AttributedProbe) => boolean;
  readonly what: 'failover' | 'failback';
}

const NOT_OBSERVED: Omit<TransitionMeasurement, 'notes'> = {
  observed: false,
  seconds: null,
  originChangedAt: null,
  edgeSwitchedAt: null,
  early: false,
  settledAt: null,
  flaps: 0,
};

function transition(live: readonly AttributedProbe[], spec: TransitionSpec): TransitionMeasurement {
  const phase = spec.what === 'failover' ? 'fault injection' : 'recovery';
  if (spec.from === undefined) return { ...NOT_OBSERVED, notes: [`The drill did not reach the ${phase}.`] };
  const from = spec.from;
  const inWindow = (p: AttributedProbe) => p.sentAt >= from && (spec.until === undefined || p.sentAt < spec.until);
  const notes: string[] = [];

  const change = live
    .filter((p) => p.kind === 'direct' && p.origin === 'primary' && inWindow(p) && spec.originChange(p))
    .sort((a, b) => a.sentAt - b.sentAt)[0];
  const served = byCompletion(live.filter((p) => isViewerGet(p) && inWindow(p) && isSuccess(p)));
  const firstIndex = served.findIndex((p) => p.servedBy === spec.to);
  const first = firstIndex >= 0 ? served[firstIndex] : undefined;

  if (!change) {
    notes.push(
      spec.what === 'failover'
        ? 'The direct probes never saw the primary fail after the fault was injected.'
        : 'The direct probes never saw the primary answer again after recovery started.',
    );
  }
  if (!first) {
    notes.push(`No edge GET was served by the ${spec.to} after the ${phase} started.`);
    return { ...NOT_OBSERVED, originChangedAt: change?.sentAt ?? null, notes };
  }

  const after = served.slice(firstIndex);
  let flaps = 0;
  let settled = 0;
  for (let i = 1; i < after.length; i++) {
    if (after[i]!.servedBy !== after[i - 1]!.servedBy) {
      flaps++;
      if (after[i]!.servedBy === spec.to) settled = i;
    }
  }
  const endsOnTarget = after[after.length - 1]!.servedBy === spec.to;
  if (flaps > 0) notes.push(`The serving origin changed ${flaps} time(s) after the first ${spec.what} response.`);
  if (!endsOnTarget) notes.push(`The last edge response in the window was not served by the ${spec.to}.`);

  const switchedAt = completedAt(first);
  let seconds: number | null = null;
  let early = false;
  if (change) {
    const raw = (switchedAt - change.sentAt) / 1000;
    early = raw < 0;
    seconds = Math.max(0, raw);
    if (early) {
      notes.push(
        `The edge switched ${(-raw).toFixed(3)} s before the direct probes saw the primary ${spec.what === 'failover' ? 'fail' : 'recover'}; reported as 0.`,
      );
    }
  }
  if (first.attribution === 'elimination') notes.push(`The first ${spec.to} response was attributed by elimination.`);
  return {
    observed: true,
    seconds,
    originChangedAt: change?.sentAt ?? null,
    edgeSwitchedAt: switchedAt,
    early,
    settledAt: endsOnTarget ? completedAt(after[settled]!) : null,
    flaps,
    notes,
  };
}

function byCompletion<T extends AttributedProbe>(probes: readonly T[]): T[] {
  return [...probes].sort((a, b) => completedAt(a) - completedAt(b) || a.seq - b.seq);
}

export function errorStats(probes: readonly ProbeRecord[]): ErrorStats {
  // No prototype: a code such as "constructor" (from a saved run.json) is a key like any other.
  const codes: Record<string, number> = Object.create(null) as Record<string, number>;
  let errors = 0;
  for (const p of probes) {
    if (isSuccess(p)) continue;
    errors++;
    const code = outcomeCode(p);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  return { probes: probes.length, errors, rate: probes.length === 0 ? 0 : errors / probes.length, codes };
}

/** Nearest-rank percentiles. */
export function latencyStats(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50Ms: null, p95Ms: null, maxMs: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { count: sorted.length, p50Ms: rank(0.5), p95Ms: rank(0.95), maxMs: sorted[sorted.length - 1]! };
}

function servedByCounts(gets: readonly AttributedProbe[]): ServedByCounts {
  const ok = gets.filter(isSuccess);
  return {
    primary: ok.filter((p) => p.servedBy === 'primary').length,
    secondary: ok.filter((p) => p.servedBy === 'secondary').length,
    unknown: ok.filter((p) => p.servedBy === undefined).length,
  };
}

function attributionCounts(probes: readonly AttributedProbe[]): AttributionCounts {
  const count = (a: Attribution) => probes.filter((p) => p.attribution === a && (a !== 'unattributed' || isSuccess(p))).length;
  return { header: count('header'), elimination: count('elimination'), unattributed: count('unattributed') };
}

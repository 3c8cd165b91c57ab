/**
 * Hand-made timelines for the analysis tests. Times are seconds from t0; every helper
 * returns ProbeRecords as the prober would have recorded them.
 */
import type { PhaseName, PhaseRecord, ProbeRecord, Role, Timeline } from '../../harness/analysis/timeline.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (s: number) => T0 + s * 1000;

export interface ProbeSpec {
  /** Seconds from T0 when it was sent. */
  readonly t: number;
  readonly phase: PhaseName;
  readonly status?: number;
  readonly error?: string;
  /** Header value; null for a response without the header. */
  readonly header?: string | null;
  readonly latencyMs?: number;
}

let seq = 0;

export function edge(spec: ProbeSpec): ProbeRecord {
  return {
    seq: seq++,
    kind: 'edge',
    method: 'GET',
    phase: spec.phase,
    sentAt: at(spec.t),
    latencyMs: spec.latencyMs ?? 5,
    ...(spec.status !== undefined ? { status: spec.status } : {}),
    ...(spec.error !== undefined ? { error: spec.error } : {}),
    ...(spec.header ? { servedByHeader: spec.header } : {}),
  };
}

export function write(spec: ProbeSpec): ProbeRecord {
  return { ...edge(spec), kind: 'write', method: 'POST' };
}

export function direct(origin: Role, up: boolean, spec: Omit<ProbeSpec, 'status' | 'header'>): ProbeRecord {
  return {
    seq: seq++,
    kind: 'direct',
    origin,
    method: 'GET',
    phase: spec.phase,
    sentAt: at(spec.t),
    latencyMs: spec.latencyMs ?? 2,
    ...(spec.error ? { error: spec.error } : { status: up ? 200 : 404 }),
  };
}

/** Times from `from` (inclusive) to `to` (exclusive) every `step` seconds. */
export function times(from: number, to: number, step = 0.1): number[] {
  const out: number[] = [];
  for (let i = 0; from + i * step < to - 1e-9; i++) out.push(Math.round((from + i * step) * 1000) / 1000);
  return out;
}

/** Phase boundaries in seconds: [name, start, end]. */
export function phases(...spans: [PhaseName, number, number, PhaseRecord['status']?][]): PhaseRecord[] {
  return spans.map(([name, start, end, status]) => ({ name, startedAt: at(start), endedAt: at(end), status: status ?? 'passed' }));
}

/** The standard phases of a drill: steady 0–1 s, inject 1–1.1, failover 1.1–3, recover 3–3.1, failback 3.1–5. */
export const STANDARD_PHASES = phases(
  ['preflight', -0.5, -0.4],
  ['provision', -0.4, 0],
  ['steady', 0, 1],
  ['inject', 1, 1.1],
  ['failover', 1.1, 3],
  ['recover', 3, 3.1],
  ['failback', 3.1, 5],
  ['teardown', 5, 5.2],
);

export function phaseAt(t: number): PhaseName {
  if (t < 1) return 'steady';
  if (t < 1.1) return 'inject';
  if (t < 3) return 'failover';
  if (t < 3.1) return 'recover';
  return 'failback';
}

export interface HealthyDrillOptions {
  /** When the primary really fails and comes back (seconds). @default 1.05, 3.05 */
  readonly downAt?: number;
  readonly upAt?: number;
  /** How long after downAt the edge serves from the secondary. @default 0 */
  readonly failoverLagS?: number;
  /** How long after upAt the edge serves from the primary again. @default 0 */
  readonly failbackLagS?: number;
  /** Header-less edge responses. @default false */
  readonly noHeader?: boolean;
  /** What edge GETs get while the edge has not switched yet. @default 404 from the paused primary (header primary) */
  readonly duringLag?: 'error' | 'primary';
}

/**
 * A drill timeline at 10 Hz: edge GETs, and direct probes of both origins offset by 0.05 s.
 * Before the edge switches to the secondary, edge GETs get the primary's 404 (errors).
 */
export function healthyDrill(o: HealthyDrillOptions = {}): Timeline {
  const downAt = o.downAt ?? 1.05;
  const upAt = o.upAt ?? 3.05;
  const switchAt = downAt + (o.failoverLagS ?? 0);
  const backAt = upAt + (o.failbackLagS ?? 0);
  const header = (role: Role) => (o.noHeader ? null : `${role}/${role === 'primary' ? 'us-east-1' : 'us-west-2'}`);
  const probes: ProbeRecord[] = [];
  for (const t of times(0, 5)) {
    const phase = phaseAt(t);
    const primaryUp = t < downAt || t >= upAt;
    let served: Role | 'lag' = 'primary';
    if (!primaryUp) served = t >= switchAt ? 'secondary' : 'lag';
    else if (t >= upAt && t < backAt) served = 'secondary';
    if (served === 'lag') probes.push(edge({ t, phase, status: 404, header: header('primary') }));
    else probes.push(edge({ t, phase, status: 200, header: header(served) }));
    const td = Math.round((t + 0.05) * 1000) / 1000;
    probes.push(direct('primary', td < downAt || td >= upAt, { t: td, phase: phaseAt(td) }));
    probes.push(direct('secondary', true, { t: td, phase: phaseAt(td) }));
  }
  return { probes, phases: STANDARD_PHASES };
}

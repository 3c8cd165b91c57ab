/**
 * Who served an edge probe. The served-by header names the origin (the probe app sends
 * "<role>/<region>"). When a response lacks it, elimination decides from the direct
 * probes: the edge always tries the primary first, so a good answer while the primary
 * answered directly was the primary's, and one while the primary was down and the
 * secondary up was the secondary's. Elimination is a guess, and the report flags it.
 */
import { completedAt, isSuccess, type ProbeRecord, type Role } from './timeline.js';

export type Attribution = 'header' | 'elimination' | 'unattributed';

export interface AttributedProbe extends ProbeRecord {
  /** The origin that served the response; undefined when unknown or there was no response. */
  readonly servedBy?: Role;
  readonly attribution: Attribution;
}

/** The role named by a served-by header value such as "primary/us-east-1"; undefined if it names none. */
export function roleFromServedBy(value: string | undefined): Role | undefined {
  if (value === undefined) return undefined;
  const role = value.trim().split('/')[0]?.trim().toLowerCase();
  return role === 'primary' || role === 'secondary' ? role : undefined;
}

/**
 * Attributes every edge and write probe. Direct probes are attributed to the origin they
 * probed. Pure: returns new records in the same order.
 */
export function attribute(probes: readonly ProbeRecord[]): AttributedProbe[] {
  const states = directStates(probes);
  return probes.map((p): AttributedProbe => {
    if (p.kind === 'direct') return { ...p, servedBy: p.origin, attribution: 'header' };
    if (p.status === undefined || p.cancelled) return { ...p, attribution: 'unattributed' };
    const fromHeader = roleFromServedBy(p.servedByHeader);
    if (fromHeader) return { ...p, servedBy: fromHeader, attribution: 'header' };
    if (!isSuccess(p)) return { ...p, attribution: 'unattributed' };
    const guess = eliminate(states, p.sentAt);
    return guess ? { ...p, servedBy: guess, attribution: 'elimination' } : { ...p, attribution: 'unattributed' };
  });
}

interface DirectState {
  readonly at: number;
  /** What the direct probes had said about each origin by `at`. */
  readonly known: Readonly<Partial<Record<Role, boolean>>>;
}

/** Direct probe outcomes in the order they completed, each with the state they leave. */
function directStates(probes: readonly ProbeRecord[]): DirectState[] {
  const outcomes = probes
    .filter((p) => p.kind === 'direct' && p.origin !== undefined && !p.cancelled)
    .map((p) => ({ at: completedAt(p), role: p.origin as Role, up: isSuccess(p) }))
    .sort((a, b) => a.at - b.at);
  let known: Partial<Record<Role, boolean>> = {};
  return outcomes.map((o) => {
    known = { ...known, [o.role]: o.up };
    return { at: o.at, known };
  });
}

/** What the direct probes last said about each origin before `at` (binary search). */
function lastKnown(states: readonly DirectState[], at: number): Partial<Record<Role, boolean>> {
  let lo = 0;
  let hi = states.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (states[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? {} : states[lo - 1]!.known;
}

function eliminate(states: readonly DirectState[], at: number): Role | undefined {
  const known = lastKnown(states, at);
  if (known.primary === true) return 'primary';
  if (known.primary === false && known.secondary === true) return 'secondary';
  return undefined;
}

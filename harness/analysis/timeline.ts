/**
 * The timeline a drill records: every probe and every phase, with epoch-millisecond
 * timestamps. It is plain data (it round-trips through run.json), and the rest of
 * harness/analysis reads it without doing any I/O.
 */

import type { Role } from '../../core/roles.js';
export type { Role };

/** The drill's phases, in order. */
export const PHASES = ['preflight', 'provision', 'steady', 'inject', 'failover', 'recover', 'failback', 'teardown', 'report'] as const;
export type PhaseName = (typeof PHASES)[number];

export const PHASE_TITLES: Readonly<Record<PhaseName, string>> = {
  preflight: 'Preflight',
  provision: 'Provision',
  steady: 'Steady state',
  inject: 'Inject fault into the primary',
  failover: 'Observe failover',
  recover: 'Recover the primary',
  failback: 'Observe failback',
  teardown: 'Teardown',
  report: 'Report',
};

/** Phases during which probes run; per-phase measurements cover these. */
export const PROBED_PHASES = ['steady', 'inject', 'failover', 'recover', 'failback'] as const satisfies readonly PhaseName[];
export type ProbedPhase = (typeof PROBED_PHASES)[number];

export type PhaseStatus = 'passed' | 'failed' | 'aborted' | 'skipped';

export interface PhaseRecord {
  readonly name: PhaseName;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: PhaseStatus;
  /** What happened, in a sentence. */
  readonly detail?: string;
}

/**
 * edge: a viewer request through the edge (GET, or POST for the write probe);
 * direct: a request straight to one origin, bypassing the edge.
 */
export type ProbeKind = 'edge' | 'write' | 'direct';

export interface ProbeRecord {
  /** Unique and increasing in send order within a run. */
  readonly seq: number;
  readonly kind: ProbeKind;
  /** For direct probes: the origin probed. */
  readonly origin?: Role;
  readonly method: string;
  /** The phase in effect when the probe was sent. */
  readonly phase: PhaseName;
  /** Epoch milliseconds, when the request was sent. */
  readonly sentAt: number;
  /** Milliseconds until the response headers arrived or the request failed. */
  readonly latencyMs: number;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number;
  /** Why no response arrived: "timeout", or an error code such as ECONNREFUSED. */
  readonly error?: string;
  /** The drill stopped the probe before it finished; it counts for nothing. */
  readonly cancelled?: boolean;
  /** The raw value of the served-by header, if the response had one. */
  readonly servedByHeader?: string;
  /** Edge and write probes: what the edge itself said about the request (its response headers). */
  readonly edge?: EdgeAccount;
}

/**
 * The edge's own account of a request, from its response headers, so a flap (the edge chose the
 * other origin) and a late answer (it chose the same one, slowly) can be told apart. The local edge
 * says which origin answered, how often it tried each and why it failed over; CloudFront says
 * whether it answered from cache or with an error of its own, and from which PoP.
 */
export interface EdgeAccount {
  /** x-edge-origin (local edge): primary | secondary | none (the edge answered itself). */
  readonly origin?: string;
  /** x-edge-attempts (local edge): tries per origin, e.g. "primary=1,secondary=1". */
  readonly attempts?: string;
  /** x-edge-failover (local edge): why the request failed over, e.g. "status-404", "read-timeout". */
  readonly failover?: string;
  /** x-cache (CloudFront and the local edge): e.g. "Miss from cloudfront", "Error from cloudfront". */
  readonly cache?: string;
  /** x-amz-cf-pop (CloudFront): the edge location that answered. */
  readonly pop?: string;
}

export interface Timeline {
  readonly probes: readonly ProbeRecord[];
  readonly phases: readonly PhaseRecord[];
}

/** When the response (or the failure) arrived. */
export function completedAt(p: ProbeRecord): number {
  return p.sentAt + p.latencyMs;
}

/** A 2xx answer. */
export function isSuccess(p: ProbeRecord): boolean {
  return p.status !== undefined && p.status >= 200 && p.status < 300;
}

/** A status code, or the error that stood in for one: what a viewer saw. */
export function outcomeCode(p: ProbeRecord): string {
  return p.status !== undefined ? String(p.status) : (p.error ?? 'no response');
}

export function phaseOf(timeline: Timeline, name: PhaseName): PhaseRecord | undefined {
  return timeline.phases.find((p) => p.name === name);
}

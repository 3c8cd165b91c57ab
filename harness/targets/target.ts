/**
 * The harness's view of a world to drill: local (embedded, harness/targets/local) or AWS
 * (harness/targets/aws). The drill (harness/drill) depends only on this interface.
 */

import type { Role } from '../../core/roles.js';
import type { AlarmStatus, AlarmTransition } from '../alarms/states.js';

export type { AlarmStatus, AlarmTransition };
export type { Role };

/** A fault a target can put an origin into. */
export type Fault =
  /** Like a paused App Runner service: every request answers 404. */
  | { readonly kind: 'pause' }
  /** Every request answers this status. */
  | { readonly kind: 'error'; readonly status: number }
  /** The port is closed: connections are refused. */
  | { readonly kind: 'refuse' }
  /** Connections are accepted and never answered: each attempt ends at the read timeout. */
  | { readonly kind: 'blackhole' }
  /**
   * The TCP handshake never completes (a host that is down, a firewall dropping SYNs):
   * connecting neither succeeds nor is refused, so each attempt ends at the connection timeout.
   */
  | { readonly kind: 'unreachable' }
  /** Every response is delayed by this many milliseconds. */
  | { readonly kind: 'slow'; readonly ms: number };

export type FaultKind = Fault['kind'];

/** The CLI spellings of the faults, for help texts and messages. */
export const FAULT_SPELLINGS = 'pause, error:<code>, refuse, blackhole, unreachable, slow:<ms>';

/** Parses the CLI spelling of a fault: pause, error:<code>, refuse, blackhole, unreachable, slow:<ms>. */
export function parseFault(text: string): Fault {
  const [kind, arg, ...rest] = text.trim().split(':');
  const fail = (allowed: string): never => {
    throw new Error(`fault "${text}" is not valid: ${allowed}`);
  };
  if (rest.length > 0) fail(`expected at most one ":" (${FAULT_SPELLINGS})`);
  switch (kind) {
    case 'pause':
    case 'refuse':
    case 'blackhole':
    case 'unreachable':
      if (arg !== undefined) fail(`"${kind}" takes no argument`);
      return { kind };
    case 'error': {
      const status = Number(arg);
      if (!Number.isInteger(status) || status < 400 || status > 599) fail('error:<code> needs a status code from 400 to 599');
      return { kind, status };
    }
    case 'slow': {
      const ms = Number(arg);
      if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) fail('slow:<ms> needs a whole number of milliseconds from 1 to 600000');
      return { kind, ms };
    }
    default:
      return fail(`allowed: ${FAULT_SPELLINGS}`);
  }
}

export function formatFault(f: Fault): string {
  switch (f.kind) {
    case 'error':
      return `error:${f.status}`;
    case 'slow':
      return `slow:${f.ms}`;
    default:
      return f.kind;
  }
}

export interface OriginEndpoint {
  readonly role: Role;
  readonly region: string;
  /** Base URL for direct probes of this origin, bypassing the edge. */
  readonly url: string;
  /** Headers direct probes must send (e.g. the origin-verify header). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Endpoints {
  /**
   * Base URL viewers use for the default behavior (https://xxxx.cloudfront.net, or the local
   * edge in the scheme a viewer uses for that behavior).
   */
  readonly edgeUrl: string;
  readonly origins: Readonly<Record<Role, OriginEndpoint>>;
  /** A path served by a write behavior (primary only, no failover), if the stack has one. */
  readonly writePath?: string;
  /**
   * Base URL for write probes, in the scheme a viewer uses for the write behavior (HTTPS unless
   * the behavior allows HTTP). @default edgeUrl
   */
  readonly writeUrl?: string;
  /** The edge's plain-HTTP base URL, for probes sent over HTTP on purpose. @default edgeUrl with http: */
  readonly edgeHttpUrl?: string;
  /**
   * PEM certificate the probes trust for the edge's HTTPS, when the target made its own (the
   * local world's throwaway certificate; public, its key never leaves the edge).
   * @default - the system's certificate authorities
   */
  readonly edgeCa?: string;
  /** The header that names the origin that served a response. */
  readonly servedByHeader: string;
  /**
   * The write router, when the stack has one (failover.writeRouter): writes follow its
   * active-region key, which `switchWrites` sets.
   */
  readonly writeRouter?: {
    /** How long after the outage the switch to the secondary is made, and what the figure stands for. */
    readonly switchDelaySeconds: number;
    readonly switchDelayBasis: string;
  };
  /** Target-specific identifiers for the report (distribution id, service ARNs, ports). */
  readonly details: Readonly<Record<string, string>>;
  /**
   * How the edge reaches each origin, as the stack synthesized it (the origin's
   * connection_attempts, connection_timeout and origin_read_timeout). The drill derives each
   * fault's expected failover time from it. @default - unknown: the failover threshold is then
   * the margin alone for faults whose cost depends on these settings
   */
  readonly originTimeouts?: Readonly<Record<Role, OriginTimeouts>>;
}

/** The edge's settings for one origin: how often and how long it tries before failing over. */
export interface OriginTimeouts {
  readonly connectionAttempts: number;
  readonly connectionTimeoutSeconds: number;
  readonly readTimeoutSeconds: number;
}

/** What `clear()` found. A target that returns nothing is taken to have restored the origin. */
export interface ClearOutcome {
  /** false: the origin had no fault of this run to clear (nothing was paused), so nothing was restored. */
  readonly restored: boolean;
  readonly detail?: string;
}

/**
 * Something a target saw, as data for run.json: alarm states, the ids and timings of the
 * operations it started (pause-service, resume-service, apply, destroy). Epoch milliseconds.
 */
export type Observation =
  | {
      readonly kind: 'alarm';
      readonly at: number;
      readonly name: string;
      readonly region: string;
      /** OK | ALARM | INSUFFICIENT_DATA */
      readonly state: string;
      readonly reason?: string;
      /** When the alarm last changed state (ISO 8601), as AWS reports it. */
      readonly updatedAt?: string;
    }
  | {
      readonly kind: 'operation';
      /** When the operation was started. */
      readonly at: number;
      /** What it acted on: a service ARN, a stack directory. */
      readonly subject: string;
      /** e.g. PAUSE_SERVICE, RESUME_SERVICE, terraform apply. */
      readonly operation: string;
      readonly operationId?: string;
      /** The last status seen, e.g. SUCCEEDED, FAILED, PAUSED. */
      readonly status: string;
      /** From start until the status above was seen. */
      readonly durationMs?: number;
    }
  | { readonly kind: 'note'; readonly at: number; readonly message: string };

export interface TeardownResult {
  readonly ok: boolean;
  /** What was done, or what is left and how to finish it. */
  readonly detail: string;
}

/** Progress from long target operations (provisioning, waiting on AWS). */
export type TargetLog = (message: string) => void;

export interface Target {
  readonly name: 'local' | 'aws';
  /** Faults this target can inject (AWS can only pause). */
  readonly supportedFaults: readonly FaultKind[];
  /** Checks what the target needs (binaries, credentials, the synthesized stack). Throws with what to do. */
  preflight(signal: AbortSignal): Promise<void>;
  /** Brings the world up and returns where to probe it. */
  provision(signal: AbortSignal): Promise<Endpoints>;
  /** Puts an origin into a fault and returns once the fault is in effect. */
  inject(role: Role, fault: Fault, signal: AbortSignal): Promise<void>;
  /**
   * Restores normal service on an origin and returns once it serves again. Safe to call when no
   * fault is active; then it may say so ({ restored: false }), so the report does not claim a resume.
   */
  clear(role: Role, signal: AbortSignal): Promise<void | ClearOutcome>;
  /**
   * Points the write router at a region (sets its active-region key). Returns once the key is
   * set; the edge may take longer to follow (on AWS, KeyValueStore propagation). Present only on
   * targets that can switch writes.
   */
  switchWrites?(to: Role, signal: AbortSignal): Promise<void>;
  /** Tears the world down. Safe to call more than once and after a failed provision. */
  teardown(signal: AbortSignal): Promise<TeardownResult>;
  /**
   * The stack's CloudWatch alarms as the cloud keeps them (state, actions, history). Absent on
   * targets whose world has no alarms to read.
   */
  readonly alarms?: TargetAlarms;
  /**
   * What the target saw during the run, for run.json (read once, after teardown).
   * @default - none
   */
  observations?(): readonly Observation[];
}

export interface TargetAlarms {
  /** The deployed stack's name prefix: its alarms are named <namePrefix>-<kind>. */
  readonly namePrefix: string;
  /** The named alarms, looked up in each of the stack's regions; a name not found is not in the answer. */
  describe(names: readonly string[], signal: AbortSignal): Promise<AlarmStatus[]>;
  /** The alarm's state changes at or after `since` (epoch ms), oldest first. */
  history(alarm: { readonly name: string; readonly region: string }, since: number, signal: AbortSignal): Promise<AlarmTransition[]>;
}

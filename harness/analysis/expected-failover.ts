/**
 * How long failover should take for a fault, derived from the origin settings the stack
 * synthesized, and the failover threshold that follows from it. Pure.
 *
 * An origin group tries the primary first for every request and fails over once that request
 * fails (docs/aws-behaviour.md, "origin failover"):
 * - a failover status code (pause answers 404, error:<code>) or a refused connection fails at
 *   once: the bound is 0; a status code that is not among the group's failover status codes
 *   never fails over: viewers see it;
 * - a GET to a behavior that targets one origin, not the group, never fails over;
 * - a hung primary (blackhole, or slow beyond the read timeout) costs connection attempts ×
 *   read timeout, because a GET's response timeout is retried per connection attempt;
 * - an unreachable primary (the handshake never completes) costs connection attempts ×
 *   connection timeout;
 * - a primary slower than the read timeout never fails over: it answers, late.
 * The default threshold is that bound plus FAILOVER_MARGIN_SECONDS, which covers the probe
 * interval, the viewer's round trip and the edge's own latency.
 */
import { FAILOVER_STATUS_CODES } from '../../core/aws-facts.js';
import { formatFault, type Fault, type OriginTimeouts } from '../targets/target.js';

/** Added to the expected bound for the default failover threshold (the threshold before it was derived). */
export const FAILOVER_MARGIN_SECONDS = 5;

export interface ExpectedFailover {
  /** The fault, as the CLI spells it. */
  readonly fault: string;
  /** Seconds the edge needs to fail over; null when the settings are unknown or no failover is expected. */
  readonly seconds: number | null;
  /** false: the fault does not make the edge fail over (a primary that answers within the read timeout). */
  readonly failsOver: boolean;
  /** How the bound follows from the settings, in one sentence. */
  readonly basis: string;
  /** When the fault does not fail over: what to change so that it does. */
  readonly fix?: string;
}

/**
 * What the edge fails over on, as the drilled stack synthesized it: the origin group the probe path
 * reaches (failover_criteria status codes), the primary's connection settings, and where that
 * path's behavior sends a GET.
 */
export interface FailoverSettings {
  readonly primary: OriginTimeouts;
  /** The group's failover status codes; undefined when unknown (a status fault is then taken to fail over). */
  readonly statusCodes?: readonly number[];
  /** The methods an origin group fails over (GET, HEAD, OPTIONS); the probes are GETs. @default - GET is failed over */
  readonly failoverMethods?: readonly string[];
  /** Where the probe path's behavior sends requests: the origin group, or one origin alone. @default group */
  readonly probeTarget?: 'group' | 'primary' | 'secondary';
  /** The path the GET probes request (for messages). @default / */
  readonly probePath?: string;
}

/** What a run sets out to show: that the edge fails over, or (a negative control) that it does not. */
export type Expectation = 'failover' | 'no-failover';

/** The expected failover time of a fault, from the drilled stack's failover settings. */
export function expectedFailover(fault: Fault, settings: FailoverSettings | undefined): ExpectedFailover {
  const spelled = formatFault(fault);
  const primary = settings?.primary;
  const at = (seconds: number | null, basis: string): ExpectedFailover => ({ fault: spelled, seconds, failsOver: true, basis });
  const none = (basis: string, fix: string): ExpectedFailover => ({ fault: spelled, seconds: null, failsOver: false, basis, fix });
  const path = settings?.probePath ?? '/';
  if (settings?.probeTarget && settings.probeTarget !== 'group') {
    return none(
      `the behavior for ${path} sends GETs to the ${settings.probeTarget} alone, not to the origin group: nothing fails over`,
      `use --probe-path with a path whose behavior targets the origin group`,
    );
  }
  if (settings?.failoverMethods && !settings.failoverMethods.includes('GET')) {
    return none(
      `the origin group fails over ${settings.failoverMethods.join(', ') || 'no method'}, not GET`,
      'let the group fail over GET requests',
    );
  }
  const status = (code: number, what: string): ExpectedFailover => {
    const codes = settings?.statusCodes;
    if (codes === undefined || codes.includes(code)) {
      return at(0, `${what} ${code}, a failover status code: the edge fails over at once`);
    }
    const fix = (FAILOVER_STATUS_CODES as readonly number[]).includes(code)
      ? `add ${code} to failover.statusCodes`
      : `use a fault whose status the group fails over on (e.g. --fault error:${codes[0] ?? 503}): CloudFront fails over only on ${FAILOVER_STATUS_CODES.join(', ')}, never on ${code}`;
    return none(
      `${what} ${code}, which is not among the origin group's failover status codes (${codes.join(', ') || 'none'}): the edge passes it to viewers`,
      fix,
    );
  };
  switch (fault.kind) {
    case 'pause':
      return status(404, 'a paused primary answers');
    case 'error':
      return status(fault.status, 'the primary answers');
    case 'refuse':
      return at(0, 'the primary refuses connections: each attempt fails at once');
    case 'blackhole':
      return primary ? hung(spelled, primary) : unknown(spelled, 'connection attempts × read timeout');
    case 'unreachable':
      if (!primary) return unknown(spelled, 'connection attempts × connection timeout');
      return at(
        primary.connectionAttempts * primary.connectionTimeoutSeconds,
        `the primary's handshake never completes: ${primary.connectionAttempts} connection attempt(s) × ${primary.connectionTimeoutSeconds} s connection timeout`,
      );
    case 'slow':
      if (!primary) return unknown(spelled, 'connection attempts × read timeout, if the delay exceeds the read timeout');
      if (fault.ms >= primary.readTimeoutSeconds * 1000) return hung(spelled, primary);
      return none(
        `the primary answers after ${fault.ms} ms, within the ${primary.readTimeoutSeconds} s read timeout: the edge does not fail over`,
        `use --fault slow:${primary.readTimeoutSeconds * 1000} or longer, or lower the origin read timeout below ${fault.ms / 1000} s`,
      );
  }
}

/**
 * Why a run cannot show what it sets out to, before anything is synthesized into the run directory,
 * applied or paused: the fault does not make the edge fail over and the run expects a failover, or
 * the other way round. undefined when the run may go ahead.
 */
export function expectationRefusal(expected: ExpectedFailover, expect: Expectation): string | undefined {
  if (expect === 'failover' && !expected.failsOver) {
    return (
      `--fault ${expected.fault} cannot make the edge fail over with this stack: ${expected.basis}. ` +
      `To drill a failover, ${expected.fix ?? 'change the fault'}; to show on purpose that it is not failed over, add --expect no-failover`
    );
  }
  if (expect === 'no-failover' && expected.failsOver) {
    return `--expect no-failover with --fault ${expected.fault}: this fault makes the edge fail over (${expected.basis}); drop --expect no-failover, or pick a fault the stack does not fail over on`;
  }
  return undefined;
}

export interface FailoverThreshold {
  readonly seconds: number;
  /** given: the user set it; derived: the expected bound plus the margin. */
  readonly source: 'given' | 'derived';
  readonly marginSeconds: number;
  /** One sentence for the report. */
  readonly text: string;
}

/** The user's threshold when there is one, else the expected bound plus the margin. */
export function failoverThreshold(given: number | undefined, expected: ExpectedFailover): FailoverThreshold {
  const margin = FAILOVER_MARGIN_SECONDS;
  if (given !== undefined) {
    const bound = expected.seconds === null ? '' : ` (expected failover ${expected.seconds} s: ${expected.basis})`;
    return { seconds: given, source: 'given', marginSeconds: margin, text: `failover threshold ${given} s, as given${bound}` };
  }
  const seconds = (expected.seconds ?? 0) + margin;
  return {
    seconds,
    source: 'derived',
    marginSeconds: margin,
    text:
      expected.seconds === null
        ? `failover threshold ${seconds} s: the ${margin} s margin alone, since ${expected.basis}`
        : `failover threshold ${seconds} s = expected ${expected.seconds} s (${expected.basis}) + ${margin} s margin`,
  };
}

function hung(fault: string, o: OriginTimeouts): ExpectedFailover {
  return {
    fault,
    seconds: o.connectionAttempts * o.readTimeoutSeconds,
    failsOver: true,
    basis: `the primary accepts and never answers: ${o.connectionAttempts} connection attempt(s) × ${o.readTimeoutSeconds} s read timeout`,
  };
}

function unknown(fault: string, rule: string): ExpectedFailover {
  return { fault, seconds: null, failsOver: true, basis: `the origin settings are unknown (the bound would be ${rule})` };
}

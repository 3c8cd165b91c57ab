/**
 * How long failover should take for a fault, derived from the origin settings the stack
 * synthesized, and the failover threshold that follows from it. Pure.
 *
 * An origin group tries the primary first for every request and fails over once that request
 * fails (docs/aws-behaviour.md, "origin failover"):
 * - a failover status code (pause answers 404, error:<code>) or a refused connection fails at
 *   once: the bound is 0;
 * - a hung primary (blackhole, or slow beyond the read timeout) costs connection attempts ×
 *   read timeout, because a GET's response timeout is retried per connection attempt;
 * - an unreachable primary (the handshake never completes) costs connection attempts ×
 *   connection timeout;
 * - a primary slower than the read timeout never fails over: it answers, late.
 * The default threshold is that bound plus FAILOVER_MARGIN_SECONDS, which covers the probe
 * interval, the viewer's round trip and the edge's own latency.
 */
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
}

/** The expected failover time of a fault, from the primary's origin settings. */
export function expectedFailover(fault: Fault, primary: OriginTimeouts | undefined): ExpectedFailover {
  const spelled = formatFault(fault);
  const at = (seconds: number | null, basis: string, failsOver = true): ExpectedFailover => ({
    fault: spelled,
    seconds,
    failsOver,
    basis,
  });
  switch (fault.kind) {
    case 'pause':
      return at(0, 'a paused primary answers 404, a failover status code: the edge fails over at once');
    case 'error':
      return at(0, `the primary answers ${fault.status}: a failover status code makes the edge fail over at once`);
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
      return at(
        null,
        `the primary answers after ${fault.ms} ms, within the ${primary.readTimeoutSeconds} s read timeout: the edge does not fail over`,
        false,
      );
  }
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

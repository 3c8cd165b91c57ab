/** The drill's settings: what to inject, how to probe, how long to wait, what to judge against. */
import { DEFAULT_THRESHOLDS, type Thresholds } from '../analysis/verdict.js';
import type { Expectation, FailoverSettings } from '../analysis/expected-failover.js';
import type { WriteThresholds } from '../analysis/writes.js';
import type { AlarmPlan } from '../alarms/plan.js';
import type { ProberProps } from '../probe/prober.js';
import type { Fault } from '../targets/target.js';

/** The prober's settings, all given (see ProberProps for each; DEFAULT_DRILL_SETTINGS has the defaults). */
export type ProbeSettings = Required<
  Pick<ProberProps, 'rateHz' | 'directRateHz' | 'writeRateHz' | 'timeoutMs' | 'connectTimeoutMs' | 'path'>
> &
  Pick<ProberProps, 'writeOverHttp' | 'secondaryDirectRateHz'>;

/** Thresholds as the user gives them: the failover threshold may be left to the drill. */
export type DrillThresholds = Omit<Thresholds, 'failoverSeconds'> & {
  /**
   * Longest acceptable failover time, in seconds.
   * @default - the fault's expected failover time (from the synthesized origin settings) plus
   * FAILOVER_MARGIN_SECONDS (harness/analysis/expected-failover.ts)
   */
  readonly failoverSeconds?: number;
};

export interface DrillSettings {
  readonly thresholds: DrillThresholds;
  /** The fault put into the primary. @default pause */
  readonly fault: Fault;
  /**
   * What the run sets out to show: a failover, or (a negative control) that the fault is not failed
   * over: viewers see it, the secondary serves nothing, the primary is back afterwards. @default failover
   */
  readonly expect?: Expectation;
  /**
   * The drilled stack's failover settings (origin group codes, the primary's timeouts, the probe
   * path's behavior), read from the synthesized stack before the run. @default - unknown until the
   * endpoints carry the origin timeouts
   */
  readonly failoverSettings?: FailoverSettings;
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
  /** Bound on resuming the primary and tearing down, together (the CLI passes 60 local, 3600 AWS). @default 120 */
  readonly teardownTimeoutSeconds: number;
  /**
   * With write probes and a target whose stack has the write router: when to switch writes to
   * the secondary after the outage begins, and the write thresholds.
   * @default - the target's modelled detection delay, DEFAULT_WRITE_THRESHOLDS
   */
  readonly writes?: { readonly switchDelaySeconds?: number; readonly thresholds?: WriteThresholds };
  /**
   * The alarm phase: the alarms waited for with their bounds, the guard alarms and the poll
   * interval (harness/alarms/plan.ts). @default - no alarm phase (--alarms off)
   */
  readonly alarms?: AlarmPlan;
}

const { failoverSeconds: _derived, ...thresholdDefaults } = DEFAULT_THRESHOLDS;

export const DEFAULT_DRILL_SETTINGS: DrillSettings = {
  thresholds: thresholdDefaults,
  fault: { kind: 'pause' },
  probe: { rateHz: 10, directRateHz: 10, writeRateHz: 0, timeoutMs: 10_000, connectTimeoutMs: 2_000, path: '/' },
  steadyTimeoutSeconds: 20,
  observeTimeoutSeconds: 30,
  holdSeconds: 2,
  teardownTimeoutSeconds: 120,
};

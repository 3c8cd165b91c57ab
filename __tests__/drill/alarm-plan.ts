/** The alarm plan the drill suites hand the drill: the stack's two asserted alarms in one region, and its guard. */
import type { AlarmPlan } from '../../harness/alarms/plan.js';

export function alarmPlan(o: { detect: number; clear: number; pollIntervalSeconds: number; guardNames?: string[] }): AlarmPlan {
  return {
    mode: 'assert',
    pollIntervalSeconds: o.pollIntervalSeconds,
    publishingAllowanceSeconds: 0,
    alarms: (['failover-active', 'primary-unhealthy'] as const).map((kind) => ({
      kind,
      name: `ef-${kind}`,
      region: 'us-east-1',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      detect: { seconds: o.detect, terms: [] },
      clear: { seconds: o.clear, terms: [] },
    })),
    guards: { kinds: ['viewers-see-errors'], names: o.guardNames ?? [] },
    addsAtMostSeconds: o.detect + o.clear,
    secondaryDirectRateCapHz: 0.18,
  };
}

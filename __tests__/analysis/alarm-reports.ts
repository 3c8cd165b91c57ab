/**
 * Hand-made alarm reports for the analysis tests: one alarm's waits, its result and the report of
 * an alarms phase run in `assert` mode with no guards unless told.
 */
import type { AlarmResult, AlarmsReport, AlarmWait } from '../../harness/analysis/alarms.js';

/** A wait started at 1000 with a 60 s bound, reached after `seconds` (null: never reached). */
export const wait = (state: AlarmWait['state'], seconds: number | null, reason?: string): AlarmWait => ({
  state,
  from: 1000,
  boundSeconds: 60,
  reachedAt: seconds === null ? null : 1000 + seconds * 1000,
  seconds,
  ...(reason !== undefined ? { reason } : {}),
});

/** The failover-active alarm of us-west-2, OK before the run, without actions, with `over` laid over it. */
export const alarmResult = (over: Partial<AlarmResult>): AlarmResult => ({
  kind: 'failover-active',
  name: 'ef-failover-active',
  region: 'us-west-2',
  stateBefore: 'OK',
  alarmActions: [],
  okActions: [],
  notifiesSns: false,
  ...over,
});

/** The report of an alarms phase in `assert` mode with these results, with `over` laid over it. */
export const alarmsReport = (results: AlarmResult[], over: Partial<AlarmsReport> = {}): AlarmsReport => ({
  plan: {
    mode: 'assert',
    pollIntervalSeconds: 10,
    publishingAllowanceSeconds: 180,
    alarms: [],
    guards: { kinds: [], names: [] },
    addsAtMostSeconds: 0,
    secondaryDirectRateCapHz: 1,
  },
  results,
  guards: [],
  ...over,
});

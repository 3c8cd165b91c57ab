import { parseConfig } from '../../../config/index.js';
import {
  ASSUMED_CHECKERS_PER_REGION,
  DEFAULT_MONITORING_SETTINGS,
  detectionSeconds,
  failoverActiveThreshold,
  healthCheckBackgroundPerPeriod,
  resolveSettings,
  validateSettings,
} from '../../../modules/monitoring/settings.js';

describe('defaults', () => {
  test('explicit zero and false survive (?? not ||)', () => {
    const s = resolveSettings({ failoverRequestsThreshold: 0, secondaryHealthCheck: false, edgeErrorRatePercent: 0 });
    expect(s.secondaryHealthCheck).toBe(false);
    expect(s.edgeErrorRatePercent).toBe(0);
    expect(resolveSettings({}).healthCheckRegions).toEqual(DEFAULT_MONITORING_SETTINGS.healthCheckRegions);
  });

  test('defaults notice a failing primary within about a minute', () => {
    const s = resolveSettings();
    validateSettings(s);
    // 2 failed checks 10 s apart, then one 60 s period.
    expect(detectionSeconds(s, 'health-check')).toBe(80);
    expect(detectionSeconds(s, 'metric')).toBe(60);
  });
});

describe('health-check background on the secondary', () => {
  test('is zero without a secondary health check, so any viewer request alarms', () => {
    const s = resolveSettings({ secondaryHealthCheck: false });
    expect(healthCheckBackgroundPerPeriod(s)).toBe(0);
    expect(failoverActiveThreshold(s)).toBe(0);
  });

  test('is estimated from regions, interval and period when not measured', () => {
    const s = resolveSettings({ healthCheckRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'sa-east-1'], healthCheckIntervalSeconds: 30 });
    expect(healthCheckBackgroundPerPeriod(s)).toBe(4 * ASSUMED_CHECKERS_PER_REGION * 2);
    expect(healthCheckBackgroundPerPeriod({ ...s, periodSeconds: 120 })).toBe(4 * ASSUMED_CHECKERS_PER_REGION * 2 * 2);
  });

  test('uses the measured rate when given, scaled to the period and rounded up', () => {
    const s = resolveSettings({ healthCheckRequestsPerMinute: 12.5, periodSeconds: 120, failoverRequestsThreshold: 5 });
    expect(healthCheckBackgroundPerPeriod(s)).toBe(25);
    expect(failoverActiveThreshold(s)).toBe(30);
    expect(failoverActiveThreshold(resolveSettings({ healthCheckRequestsPerMinute: 0.2 }))).toBe(1);
  });
});

describe('validation names the field, the value and what is allowed', () => {
  const bad: [Partial<Parameters<typeof resolveSettings>[0]>, RegExp][] = [
    [{ periodSeconds: 30 }, /monitoring\.periodSeconds = 30: allowed: a multiple of 60 seconds/],
    [{ periodSeconds: 90 }, /monitoring\.periodSeconds = 90/],
    [{ evaluationPeriods: 0 }, /monitoring\.evaluationPeriods = 0: allowed: an integer/],
    [
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      /monitoring\.datapointsToAlarm = 3: allowed: an integer from 1 to evaluationPeriods \(2\)/,
    ],
    [{ failoverRequestsThreshold: -1 }, /monitoring\.failoverRequestsThreshold = -1/],
    [{ edgeErrorRatePercent: 101 }, /monitoring\.edgeErrorRatePercent = 101: allowed: a percentage/],
    [{ healthCheckIntervalSeconds: 20 }, /monitoring\.healthCheckIntervalSeconds = 20: allowed: 10 or 30/],
    [{ healthCheckFailureThreshold: 11 }, /monitoring\.healthCheckFailureThreshold = 11/],
    [
      { healthCheckRegions: ['us-east-1', 'us-west-2'] },
      /monitoring\.healthCheckRegions = \["us-east-1","us-west-2"\]: allowed: at least 3 distinct/,
    ],
    [{ healthCheckRegions: ['us-east-1', 'us-west-2', 'eu-central-1'] }, /eu-central-1/],
    [{ healthCheckRegions: ['us-east-1', 'us-east-1', 'us-west-2'] }, /at least 3 distinct/],
    [{ healthCheckRequestsPerMinute: -3 }, /monitoring\.healthCheckRequestsPerMinute = -3/],
  ];
  test.each(bad)('%j', (partial, message) => {
    expect(() => validateSettings(resolveSettings(partial))).toThrow(message);
  });

  test('accepts the defaults and a slower, quieter setup', () => {
    expect(() => validateSettings(resolveSettings())).not.toThrow();
    expect(() =>
      validateSettings(resolveSettings({ periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2, healthCheckIntervalSeconds: 30 })),
    ).not.toThrow();
  });
});

test("the construct's defaults equal the config defaults", () => {
  const m = parseConfig({}).monitoring;
  const d = DEFAULT_MONITORING_SETTINGS;
  const fromConfig = Object.fromEntries(Object.keys(d).map((k) => [k, m[k as keyof typeof m]]));
  expect(d).toEqual(fromConfig);
  expect(m.healthCheckRequestsPerMinute).toBeUndefined();
});

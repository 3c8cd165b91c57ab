/**
 * The local world's CloudWatch: per-period datapoints with each alarm's statistic, alarms
 * evaluated at CloudWatch's cadence on the metric they name in their own region, and the history
 * of transitions with the evaluation's time. The clock is passed in: no waiting.
 */
import { evaluationRangeOf, LocalCloudWatch, metricKey, type MetricId } from '../../harness/alarms/local-cloudwatch.js';
import type { StackAlarm } from '../../harness/alarms/stack-alarms.js';

const MIN = 60_000;
/** A minute boundary, so periods line up with the test's arithmetic. */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const requests: MetricId = {
  region: 'us-west-2',
  namespace: 'AWS/AppRunner',
  metricName: 'Requests',
  dimensions: {
    ServiceName: '${aws_apprunner_service.secondary_service.service_name}',
    ServiceID: '${aws_apprunner_service.secondary_service.service_id}',
  },
};
const health: MetricId = {
  region: 'us-east-1',
  namespace: 'AWS/Route53',
  metricName: 'HealthCheckStatus',
  dimensions: { HealthCheckId: '${aws_route53_health_check.monitoring_primary_health_check.id}' },
};

function alarm(over: Partial<StackAlarm> & Pick<StackAlarm, 'alarmName'>): StackAlarm {
  return {
    resource: over.alarmName.replace(/-/g, '_'),
    namespace: requests.namespace,
    metricName: requests.metricName,
    dimensions: requests.dimensions,
    region: requests.region,
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 54,
    treatMissingData: 'notBreaching',
    alarmActions: ['arn:aws:sns:us-west-2:000000000000:alerts'],
    okActions: [],
    ...over,
  };
}

const failoverActive = alarm({ alarmName: 'p-failover-active' });
const primaryUnhealthy = alarm({
  alarmName: 'p-primary-unhealthy',
  ...health,
  statistic: 'Minimum',
  comparisonOperator: 'LessThanThreshold',
  threshold: 1,
  treatMissingData: 'missing',
});

function putMany(cw: LocalCloudWatch, m: MetricId, n: number, from: number, spanMs: number): void {
  for (let i = 0; i < n; i++) cw.put(m, 1, from + Math.floor((i * spanMs) / n));
}

test('a period whose Sum crosses the threshold alarms at the first evaluation after it closes, and a quiet period clears it', () => {
  const cw = new LocalCloudWatch([failoverActive], T0);
  const state = (at: number) => cw.describe(['p-failover-active'], at)[0]!.state;
  expect(state(T0 + 1)).toBe('INSUFFICIENT_DATA');
  putMany(cw, requests, 60, T0 + MIN, MIN); // 60 requests in [1 min, 2 min)
  expect(state(T0 + 2 * MIN - 1)).toBe('OK'); // the evaluation at 1 min saw no data: notBreaching
  expect(state(T0 + 2 * MIN)).toBe('ALARM');
  putMany(cw, requests, 6, T0 + 2 * MIN, MIN); // health-check traffic only
  expect(state(T0 + 3 * MIN - 1)).toBe('ALARM');
  expect(state(T0 + 3 * MIN)).toBe('OK');
  const history = cw.history('p-failover-active', T0, T0 + 3 * MIN);
  expect(history.map((t) => [t.at - T0, t.from, t.to])).toEqual([
    [MIN, 'INSUFFICIENT_DATA', 'OK'],
    [2 * MIN, 'OK', 'ALARM'],
    [3 * MIN, 'ALARM', 'OK'],
  ]);
  expect(history[1]!.reason).toContain('[60 (2026-01-01T12:01:00.000Z)] was greater than the threshold (54)');
  expect(cw.history('p-failover-active', T0 + 2 * MIN + 1, T0 + 3 * MIN).map((t) => t.to)).toEqual(['OK']);
});

test('exactly the threshold does not breach GreaterThanThreshold; one more does', () => {
  const cw = new LocalCloudWatch([failoverActive], T0);
  putMany(cw, requests, 54, T0, MIN);
  putMany(cw, requests, 55, T0 + MIN, MIN);
  expect(cw.describe(['p-failover-active'], T0 + MIN)[0]!.state).toBe('OK');
  expect(cw.describe(['p-failover-active'], T0 + 2 * MIN)[0]!.state).toBe('ALARM');
});

test.each([
  ['another dimension value', { dimensions: { ...requests.dimensions, ServiceName: 'someone-else' } }],
  ['a dimension missing', { dimensions: { ServiceID: requests.dimensions.ServiceID! } }],
  ['another region', { region: 'us-east-1' }],
  ['another metric', { metricName: '2xxStatusResponses' }],
])('an alarm on %s sees no data and, notBreaching, stays OK', (_what, over) => {
  const cw = new LocalCloudWatch([alarm({ alarmName: 'x', ...over })], T0);
  putMany(cw, requests, 600, T0, 3 * MIN);
  expect(cw.describe(['x'], T0 + 3 * MIN)[0]!.state).toBe('OK');
  expect(cw.history('x', T0, T0 + 3 * MIN).map((t) => t.to)).toEqual(['OK']);
});

test('the Minimum of a health check: INSUFFICIENT_DATA (missing) before any datapoint, OK on 1s, ALARM on a single 0 in the period', () => {
  const cw = new LocalCloudWatch([primaryUnhealthy], T0);
  const state = (at: number) => cw.describe(['p-primary-unhealthy'], at)[0]!.state;
  expect(state(T0 + MIN)).toBe('INSUFFICIENT_DATA');
  for (let s = 0; s < 60; s += 10) cw.put(health, 1, T0 + MIN + s * 1000);
  expect(state(T0 + 2 * MIN)).toBe('OK');
  for (let s = 0; s < 60; s += 10) cw.put(health, s === 50 ? 0 : 1, T0 + 2 * MIN + s * 1000);
  expect(state(T0 + 3 * MIN)).toBe('ALARM');
  // No datapoints at all afterwards: with `missing`, the most recent real ones in the range decide.
  expect(state(T0 + 3 * MIN + evaluationRangeOf(1) * MIN - 1)).toBe('ALARM');
  expect(state(T0 + 3 * MIN + evaluationRangeOf(1) * MIN)).toBe('INSUFFICIENT_DATA');
});

test('treatMissingData breaching alarms a quiet metric; ignore keeps the state', () => {
  const cw = new LocalCloudWatch(
    [alarm({ alarmName: 'b', treatMissingData: 'breaching' }), alarm({ alarmName: 'i', treatMissingData: 'ignore' })],
    T0,
  );
  expect(cw.describe(['b', 'i'], T0 + MIN).map((a) => [a.name, a.state])).toEqual([
    ['b', 'ALARM'],
    ['i', 'INSUFFICIENT_DATA'],
  ]);
});

test('statistics: Average, Maximum and SampleCount over the period', () => {
  const avg = alarm({ alarmName: 'avg', statistic: 'Average', threshold: 1 });
  const max = alarm({ alarmName: 'max', statistic: 'Maximum', threshold: 99 });
  const count = alarm({ alarmName: 'count', statistic: 'SampleCount', threshold: 3 });
  const cw = new LocalCloudWatch([avg, max, count], T0);
  // 1 of 50 samples is 100: Average 2 (> 1), Maximum 100 (> 99), SampleCount 50 (> 3).
  for (let i = 0; i < 50; i++) cw.put(requests, i === 7 ? 100 : 0, T0 + i * 1000);
  expect(cw.describe(['avg', 'max', 'count'], T0 + MIN).map((a) => a.state)).toEqual(['ALARM', 'ALARM', 'ALARM']);
  expect(cw.datapoint(metricKey(requests), 'Average', T0, MIN)).toBe(2);
});

test('a 2-of-3 alarm needs two breaching periods, and N − M + 1 quiet ones to clear', () => {
  const cw = new LocalCloudWatch([alarm({ alarmName: 'm', evaluationPeriods: 3, datapointsToAlarm: 2 })], T0);
  const state = (at: number) => cw.describe(['m'], at)[0]!.state;
  putMany(cw, requests, 100, T0, MIN);
  expect(state(T0 + MIN)).toBe('OK');
  putMany(cw, requests, 100, T0 + MIN, MIN);
  expect(state(T0 + 2 * MIN)).toBe('ALARM');
  putMany(cw, requests, 1, T0 + 2 * MIN, MIN);
  expect(state(T0 + 3 * MIN)).toBe('ALARM');
  putMany(cw, requests, 1, T0 + 3 * MIN, MIN);
  expect(state(T0 + 4 * MIN)).toBe('OK');
});

test('actions are as synthesized, and an unknown name is left out', () => {
  const cw = new LocalCloudWatch([failoverActive], T0);
  expect(cw.describe(['p-failover-active', 'nope'], T0)).toEqual([
    expect.objectContaining({ name: 'p-failover-active', region: 'us-west-2', alarmActions: failoverActive.alarmActions, okActions: [] }),
  ]);
  expect(cw.history('nope', T0, T0 + MIN)).toEqual([]);
});

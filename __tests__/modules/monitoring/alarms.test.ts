import { alarmSpecs, type AlarmInputs } from '../../../modules/monitoring/alarms.js';
import { ALARM_KINDS, alarmName } from '../../../modules/monitoring/names.js';
import { resolveSettings } from '../../../modules/monitoring/settings.js';

const inputs = (over: Partial<AlarmInputs> = {}, settings = {}): AlarmInputs => ({
  namePrefix: 'ef',
  primary: { region: 'eu-west-1', serviceName: 'ef-primary', serviceId: 'p-id' },
  secondary: { region: 'us-west-2', serviceName: 'ef-secondary', serviceId: 's-id' },
  distributionId: 'E123',
  primaryHealthCheckId: 'hc-p',
  secondaryHealthCheckId: 'hc-s',
  settings: resolveSettings(settings),
  ...over,
});
const byKind = (specs: ReturnType<typeof alarmSpecs>) => Object.fromEntries(specs.map((s) => [s.kind, s]));

test('failover-active: secondary Requests, Sum, in the secondary region, quiet periods are OK', () => {
  const a = byKind(alarmSpecs(inputs()))['failover-active']!;
  expect(a).toMatchObject({
    home: 'secondary',
    region: 'us-west-2',
    namespace: 'AWS/AppRunner',
    metricName: 'Requests',
    dimensions: { ServiceName: 'ef-secondary', ServiceID: 's-id' },
    statistic: 'Sum',
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    periodSeconds: 60,
  });
});

test('failover-active threshold is the viewer threshold when the secondary is not health-checked', () => {
  const specs = alarmSpecs(inputs({ secondaryHealthCheckId: undefined }, { secondaryHealthCheck: false, failoverRequestsThreshold: 3 }));
  expect(byKind(specs)['failover-active']!.threshold).toBe(3);
  expect(byKind(specs)['secondary-unhealthy']).toBeUndefined();
});

test.each([
  ['primary-unhealthy', 'hc-p'],
  ['secondary-unhealthy', 'hc-s'],
] as const)('%s: Route 53 HealthCheckStatus Minimum < 1 in us-east-1', (kind, id) => {
  expect(byKind(alarmSpecs(inputs()))[kind]).toMatchObject({
    home: 'global',
    region: 'us-east-1',
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: { HealthCheckId: id },
    statistic: 'Minimum',
    comparisonOperator: 'LessThanThreshold',
    threshold: 1,
    treatMissingData: 'missing',
  });
});

test('viewers-see-errors: CloudFront 5xxErrorRate Average with Region=Global in us-east-1', () => {
  expect(byKind(alarmSpecs(inputs({}, { edgeErrorRatePercent: 2.5 })))['viewers-see-errors']).toMatchObject({
    home: 'global',
    region: 'us-east-1',
    namespace: 'AWS/CloudFront',
    metricName: '5xxErrorRate',
    dimensions: { DistributionId: 'E123', Region: 'Global' },
    statistic: 'Average',
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 2.5,
    treatMissingData: 'notBreaching',
  });
});

test('per-code error-rate alarms exist only with the additional CloudFront metrics', () => {
  expect(alarmSpecs(inputs()).map((s) => s.kind)).not.toContain('viewers-see-502');
  const specs = byKind(alarmSpecs(inputs({}, { additionalCloudFrontMetrics: true })));
  for (const code of [502, 503, 504]) {
    expect(specs[`viewers-see-${code}`]).toMatchObject({
      metricName: `${code}ErrorRate`,
      region: 'us-east-1',
      dimensions: { Region: 'Global' },
    });
  }
});

test('names are unique, prefixed, and follow the kinds', () => {
  const specs = alarmSpecs(inputs({}, { additionalCloudFrontMetrics: true }));
  expect(specs.map((s) => s.kind).sort()).toEqual([...ALARM_KINDS].sort());
  expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  for (const s of specs) expect(s.name).toBe(alarmName('ef', s.kind));
});

test('timing comes from the settings', () => {
  for (const s of alarmSpecs(inputs({}, { periodSeconds: 120, evaluationPeriods: 3, datapointsToAlarm: 2 }))) {
    expect([s.periodSeconds, s.evaluationPeriods, s.datapointsToAlarm]).toEqual([120, 3, 2]);
  }
});

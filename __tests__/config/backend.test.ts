import { ConfigError, loadConfig, parseConfig } from '../../config/index.js';

const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('service.backend', () => {
  test('defaults to apprunner', () => {
    expect(parseConfig({}).service.backend).toBe('apprunner');
  });

  test('EDGE_FAILOVER_BACKEND sets it through the loader', () => {
    expect(loadConfig({ env: { EDGE_FAILOVER_BACKEND: 'ecs-express' } }).service.backend).toBe('ecs-express');
  });

  test('a value other than the two backends is refused naming field, source and the allowed values', () => {
    expect(problemsOf(() => loadConfig({ env: { EDGE_FAILOVER_BACKEND: 'fargate' } }))).toMatch(
      /service\.backend \(from env EDGE_FAILOVER_BACKEND\) = "fargate": allowed: one of apprunner, ecs-express/,
    );
  });

  test('App Runner-only fields are refused with ecs-express', () => {
    const msg = problemsOf(() =>
      parseConfig({ service: { backend: 'ecs-express', autoScaling: { maxConcurrency: 50 }, healthCheck: { protocol: 'TCP' } } }),
    );
    expect(msg).toMatch(/service\.autoScaling\.maxConcurrency = 50: allowed: the default \(100\) with service\.backend "ecs-express"/);
    expect(msg).toMatch(/service\.healthCheck\.protocol = "TCP"/);
  });

  test('ECS Express-only fields are refused with apprunner', () => {
    expect(problemsOf(() => parseConfig({ service: { ecsExpress: { serviceNameSuffix: 'abc123' } } }))).toMatch(
      /service\.ecsExpress\.serviceNameSuffix = "abc123": allowed: the default \(""\) with service\.backend "apprunner": this field applies to "ecs-express" only/,
    );
  });

  test('ecs-express accepts regions App Runner does not have, and its own fields', () => {
    const c = parseConfig({
      regions: { primary: 'eu-central-1', secondary: 'eu-north-1' },
      service: { backend: 'ecs-express', ecsExpress: { serviceNameSuffix: 'r1', autoScalingMetric: 'REQUEST_COUNT_PER_TARGET' } },
    });
    expect(c.regions.primary).toBe('eu-central-1');
    expect(c.service.ecsExpress.autoScalingMetric).toBe('REQUEST_COUNT_PER_TARGET');
    expect(problemsOf(() => parseConfig({ regions: { primary: 'eu-central-1', secondary: 'us-west-2' } }))).toMatch(
      /regions\.primary = "eu-central-1".*allowed: an App Runner region \(us-east-1, .*\); or service\.backend: "ecs-express" \(ECS Express Mode, .*\); or add it to regions\.additionalAppRunnerRegions if App Runner is available there/,
    );
  });
});

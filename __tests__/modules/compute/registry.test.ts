/**
 * The constructs' compute backend registry: one entry per value config `service.backend` allows, a
 * backend's drill-runner statements grant exactly the actions it declares, and a further backend is one
 * registration (a test-only backend, registered through ComputeBackendRegistry.with, reaches the drill
 * runner's policy).
 */
import { describe, expect, test } from '@jest/globals';
import { COMPUTE_BACKENDS } from '../../../core/aws-facts.js';
import { EdgeFailoverError } from '../../../core/errors.js';
import { COMPUTE_BACKEND_REGISTRY, computeBackendOf } from '../../../modules/compute/registry.js';
import { drillRunnerStatements } from '../../../modules/drill-runner/policy.js';
import { eventRuleName } from '../../../modules/monitoring/names.js';
import { fakeComputeBackend } from '../../support/fake-compute-backend.js';

const SCOPE = {
  serviceArns: ['arn:aws:fake:us-east-1:111122223333:service/a', 'arn:aws:fake:us-west-2:111122223333:service/b'],
  regions: ['us-east-1', 'us-west-2'],
  listenerRuleArns: ['arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/*'],
  distributionArn: 'arn:aws:cloudfront::111122223333:distribution/E123',
  originRequestPolicyArn: 'arn:aws:cloudfront::111122223333:origin-request-policy/*',
  alarmArns: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:ef-*'],
};

const fake = fakeComputeBackend({ fault: ['fake:BreakService', 'fake:MendService'] });

describe('the compute backend registry', () => {
  test('has one backend per value config service.backend allows, App Runner when a service names none', () => {
    expect(COMPUTE_BACKEND_REGISTRY.keys).toEqual([...COMPUTE_BACKENDS]);
    expect(computeBackendOf({}).key).toBe('apprunner');
    for (const key of COMPUTE_BACKENDS) expect(computeBackendOf({ backend: key }).key).toBe(key);
  });

  test('names an unknown backend and what is allowed, and refuses a key twice', () => {
    expect(() => COMPUTE_BACKEND_REGISTRY.get('lambda')).toThrow(/^service\.backend = "lambda": allowed: "apprunner", "ecs-express"$/);
    expect(COMPUTE_BACKEND_REGISTRY.with(fake).get('fake')).toBe(fake);
    expect(() => COMPUTE_BACKEND_REGISTRY.with(fake).with(fake)).toThrow(EdgeFailoverError);
  });

  test.each(COMPUTE_BACKEND_REGISTRY.keys)("%s: the drill runner's compute statements grant exactly the backend's actions", (key) => {
    const b = COMPUTE_BACKEND_REGISTRY.get(key);
    const granted = b.drillRunner.statements(SCOPE).flatMap((s) => s.actions);
    expect(granted.sort()).toEqual(Object.values(b.drillRunner.actions).flat().sort());
  });

  test('the event rule names keep their words (renaming one replaces the deployed rule)', () => {
    expect(COMPUTE_BACKEND_REGISTRY.keys.map((k) => eventRuleName('ef', 'primary', COMPUTE_BACKEND_REGISTRY.get(k).events.slug))).toEqual([
      'ef-primary-apprunner-status',
      'ef-primary-ecs-status',
    ]);
  });

  test("a registered test-only backend reaches the drill runner's policy", () => {
    const backends = COMPUTE_BACKEND_REGISTRY.with(fake);
    const statements = drillRunnerStatements({ ...SCOPE, backend: 'fake' }, backends);
    expect(statements[0]).toEqual({
      sid: 'FakeFault',
      effect: 'Allow',
      actions: ['fake:BreakService', 'fake:MendService'],
      resources: SCOPE.serviceArns,
    });
    expect(() => drillRunnerStatements({ ...SCOPE, backend: 'fake' })).toThrow(/service\.backend = "fake": allowed/);
  });
});

/**
 * The ECS Express preflight as pure functions (no CLI, no emulator; alb-fault.test.ts drives the
 * same checks through the AWS CLI v2 against moto): the service's status and tasks, its listener
 * rule found or not and left faulted or not, the fault's 503 among the failover codes, and the
 * explicit references (ARNs of the backend, the endpoints the AWS CLI v2 cannot read).
 */
import { describe, expect, test } from '@jest/globals';
import { configSchema } from '../../../config/index.js';
import { type DeploymentFacts, checkDeployment } from '../../../harness/targets/aws/checks/deployment-checks.js';
import { BACKENDS } from '../../../harness/targets/aws/backends/registry.js';
import type { AlbAction, Finding, LiveRule, LiveService } from '../../../harness/targets/aws/wire.js';
import { ecsNotReady } from '../../../harness/targets/aws/backends/ecs-service.js';
import { explicitStack } from '../../../harness/targets/aws/explicit-options.js';
import { checkExistingRef, checkTargetOptions } from '../../../harness/targets/aws/target-options.js';
import { asChecked, goodDistributionConfig } from '../../support/aws/distribution.js';

const P = 'drill-primary.ecs.us-east-1.on.aws';
const S = 'drill-secondary.ecs.us-west-2.on.aws';
const arn = (region: string, name: string) => `arn:aws:ecs:${region}:123456789012:service/default/${name}`;
const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const tags = (role: string) => ({ ManagedBy: 'edge-failover', EdgeFailoverStack: 'shop', EdgeFailoverRole: role });

function rule(host: string, target: string, actions: AlbAction[]): LiveRule {
  return {
    region: 'us-east-1',
    targetGroupArn: target,
    listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/2',
    rule: {
      RuleArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shared/1/2/${host.split('.')[0]}`,
      Priority: '2',
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }],
      Actions: actions,
    },
  };
}

function service(role: 'primary' | 'secondary', host: string): LiveService {
  const t = tg(`drill-${role}`);
  return {
    role,
    serviceArn: arn(role === 'primary' ? 'us-east-1' : 'us-west-2', `drill-${role}`),
    host,
    status: 'ACTIVE',
    tags: tags(role),
    tasks: { running: 1, desired: 1, pending: 0 },
    rule: rule(host, t, [{ Type: 'forward', TargetGroupArn: t }]),
  };
}

function facts(change: (f: { codes: number[]; services: Record<'primary' | 'secondary', LiveService> }) => void = () => {}): Finding[] {
  const f = { codes: [404, 500, 502, 503, 504], services: { primary: service('primary', P), secondary: service('secondary', S) } };
  change(f);
  const d: DeploymentFacts = {
    distributionId: 'E1',
    config: asChecked(goodDistributionConfig(P, S, f.codes)),
    status: 'Deployed',
    services: f.services,
    configCodes: f.codes,
    stackName: 'shop',
    backend: BACKENDS.get('ecs-express').checks,
  };
  return checkDeployment(d);
}
const failed = (fs: Finding[]) => fs.filter((x) => !x.ok).map((x) => `${x.check}: ${x.setting} = ${x.found}: must be ${x.expected}`);

describe('ECS Express deployment checks', () => {
  test('the stack as synthesized passes, with ECS checks in place of App Runner RUNNING', () => {
    const findings = facts();
    expect(failed(findings)).toEqual([]);
    const checks = findings.map((x) => x.check);
    expect(checks).toEqual(
      expect.arrayContaining([
        'failover-criteria-503',
        'primary-active',
        'primary-running-tasks',
        'primary-listener-rule',
        'secondary-listener-rule-actions',
      ]),
    );
    expect(checks).not.toContain('primary-running');
    expect(checks).not.toContain('failover-criteria-404');
  });

  test.each<[string, (f: { codes: number[]; services: Record<'primary' | 'secondary', LiveService> }) => void, RegExp]>([
    [
      'the primary is DRAINING',
      (f) => (f.services.primary = { ...f.services.primary, status: 'DRAINING' }),
      /^primary-active: primary ECS service status = DRAINING: must be ACTIVE$/,
    ],
    [
      'the primary is scaled to zero',
      (f) => (f.services.primary = { ...f.services.primary, tasks: { running: 0, desired: 0, pending: 0 } }),
      /^primary-running-tasks: .* = 0 running of 0 desired \(0 pending\): must be at least 1 running and 1 desired/,
    ],
    [
      "503, the fault's code, is not a failover code (even when the config does not ask for it)",
      (f) => (f.codes = [404, 500, 502, 504]),
      /^failover-criteria-503: .*StatusCodes = 404, 500, 502, 504: must be a list with 503: the ECS Express fault/,
    ],
    [
      'no rule names the primary endpoint',
      (f) =>
        (f.services.primary = { ...f.services.primary, rule: { region: 'us-east-1', targetGroupArn: tg('x'), notFound: 'none: no rule' } }),
      new RegExp(
        `^primary-listener-rule: primary listener rule \\(host-header ${P.replace(/\./g, '\\.')}\\) = none: no rule: must be a rule of the service's own load balancer`,
      ),
    ],
    [
      'the secondary rule was left answering a fixed response',
      (f) => {
        const t = tg('drill-secondary');
        f.services.secondary = {
          ...f.services.secondary,
          rule: rule(S, t, [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }]),
        };
      },
      /^secondary-listener-rule-actions: .*listener-rule\/app\/shared\/1\/2\/drill-secondary Actions = fixed-response 503 \(a fault left behind\?\): must be forward to the service's target group .*targetgroup\/drill-secondary\/.*; restore it: dr-drill recover --target aws .* aws elbv2 modify-rule --rule-arn .* --region us-east-1$/,
    ],
    [
      'the primary rule forwards to another target group',
      (f) =>
        (f.services.primary = {
          ...f.services.primary,
          rule: rule(P, tg('drill-primary'), [{ Type: 'forward', TargetGroupArn: tg('other') }]),
        }),
      /^primary-listener-rule-actions: .* = forward to targetgroup\/other\/0123456789abcdef: must be forward to the service's target group/,
    ],
  ])('%s is an error naming the setting, the value found and what it must be', (_name, change, expected) => {
    const findings = facts(change);
    const bad = failed(findings);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(expected);
    expect(findings.filter((x) => !x.ok).every((x) => x.severity === 'error')).toBe(true);
  });
});

describe('ECS service readiness', () => {
  const d = { serviceArn: arn('us-east-1', 'p'), status: 'ACTIVE', desiredCount: 1, runningCount: 1, pendingCount: 0, targetGroupArns: [] };
  test('ACTIVE with a running task may start; otherwise the refusal names the ECS commands', () => {
    expect(ecsNotReady('primary', 'us-east-1', d)).toBeUndefined();
    const zero = ecsNotReady('primary', 'us-east-1', { ...d, desiredCount: 0, runningCount: 0 });
    expect(zero?.message.split('\n')[0]).toBe(
      `The primary ECS service ${d.serviceArn} has 0 running of 0 desired (0 pending); the drill starts only with at least one running task`,
    );
    expect(zero?.recovery).toContain(
      `aws ecs update-service --cluster default --service ${d.serviceArn} --desired-count 1 --region us-east-1`,
    );
    const pending = ecsNotReady('secondary', 'us-east-1', { ...d, runningCount: 0, pendingCount: 1 });
    expect(pending?.recovery).toContain(`aws ecs describe-services --cluster default --services ${d.serviceArn} --region us-east-1`);
    const draining = ecsNotReady('primary', 'us-east-1', { ...d, status: 'DRAINING' });
    expect(draining?.message.split('\n')[0]).toMatch(/is DRAINING; the drill starts only from ACTIVE$/);
    expect(`${zero?.recovery}${pending?.recovery}${draining?.recovery}`).not.toMatch(/apprunner/);
  });
});

describe('explicit references for ECS Express', () => {
  const DEFAULTS = configSchema.parse({});
  const ex = { primaryServiceArn: arn('us-east-1', 'p'), secondaryServiceArn: arn('us-west-2', 's'), distributionId: 'E2QWRUHEXAMPLE' };
  test('the endpoints are required with ecs-express, refused with apprunner, and must be host names', () => {
    expect(() => checkExistingRef(ex, BACKENDS.get('ecs-express'), DEFAULTS)).toThrow(
      /^existing\.primaryEndpoint = missing: allowed: the primary ECS Express service's endpoint host .*required with service\.backend "ecs-express"/,
    );
    expect(() =>
      checkExistingRef({ ...ex, primaryEndpoint: P, secondaryEndpoint: 'not a host' }, BACKENDS.get('ecs-express'), DEFAULTS),
    ).toThrow(/^existing\.secondaryEndpoint = "not a host": allowed:/);
    expect(() =>
      checkExistingRef({ ...ex, primaryEndpoint: `https://${P}/`, secondaryEndpoint: S }, BACKENDS.get('ecs-express'), DEFAULTS),
    ).not.toThrow();
    const ar = {
      ...ex,
      primaryServiceArn: 'arn:aws:apprunner:us-east-1:123456789012:service/p/1',
      secondaryServiceArn: 'arn:aws:apprunner:us-west-2:123456789012:service/s/2',
    };
    expect(() => checkExistingRef({ ...ar, primaryEndpoint: P }, BACKENDS.get('apprunner'), DEFAULTS)).toThrow(
      /^existing\.primaryEndpoint = "drill-primary\.ecs\.us-east-1\.on\.aws": allowed: only with a service\.backend whose API cannot give the service URL \(service\.backend "apprunner" reads it with its own API\)/,
    );
    expect(() => checkExistingRef(ex, BACKENDS.get('apprunner'), DEFAULTS)).toThrow(
      /existing\.primaryServiceArn = .*: allowed: an App Runner service ARN/,
    );
  });

  test('the AWS target checks them when it is made', () => {
    const config = configSchema.parse({ service: { backend: 'ecs-express' } });
    const o = { config, mode: 'existing' as const, stackName: 's', stackDir: '/nonexistent', runId: 'r1', runDir: '/nonexistent' };
    expect(() => checkTargetOptions({ ...o, existing: ex })).toThrow(/existing\.primaryEndpoint = missing/);
    expect(() => checkTargetOptions({ ...o, existing: { ...ex, primaryEndpoint: P, secondaryEndpoint: S } })).not.toThrow();
  });

  test('--primary-endpoint and --secondary-endpoint go with the ARNs, never alone', () => {
    expect(() => explicitStack({ primaryEndpoint: P })).toThrow(/--primary-endpoint = .*only with --primary-service-arn/);
    expect(explicitStack({ ...ex, primaryEndpoint: P, secondaryEndpoint: S })).toEqual({
      existing: { ...ex, primaryEndpoint: P, secondaryEndpoint: S },
    });
  });
});

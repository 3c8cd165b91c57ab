import '../../support/cdktf-matchers.js';
import { ConstructValidationError, exitCodeOf } from '../../../core/errors.js';
import { parseConfig } from '../../../config/index.js';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service/index.js';
import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { REGIONAL_SERVICE_DEFAULTS, type RegionalServiceProps } from '../../../modules/compute/app-runner.js';
import { buildService } from './app-runner-fixture.js';

/** The full props: every setting given, as the stack gives them. */
const build = (overrides: Partial<RegionalServiceProps> = {}) =>
  buildService({
    port: 3000,
    startCommand: 'node server.js',
    cpu: '0.25 vCPU',
    memory: '0.5 GB',
    autoScaling: { minSize: 1, maxSize: 3, maxConcurrency: 50 },
    healthCheck: { protocol: 'HTTP', path: '/healthz', intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 1, unhealthyThreshold: 3 },
    ...overrides,
  });

describe('AppRunnerRegionalService', () => {
  const { service, synth } = build();

  test('runs the image with its port, start command and environment, without auto deployments', () => {
    expect(synth).toHaveResourceWithProperties(ApprunnerService, {
      service_name: 'shop-secondary',
      source_configuration: {
        auto_deployments_enabled: false,
        image_repository: {
          image_identifier: 'public.ecr.aws/docker/library/node:20-alpine',
          image_repository_type: 'ECR_PUBLIC',
          image_configuration: { port: '3000', start_command: 'node server.js', runtime_environment_variables: { MODE: 'test' } },
        },
      },
    });
  });

  test('uses the provider of its region', () => {
    expect(synth).toHaveResourceWithProperties(ApprunnerService, { provider: 'aws.west' });
    expect(synth).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, { provider: 'aws.west' });
  });

  test('has the configured instance size and health check', () => {
    expect(synth).toHaveResourceWithProperties(ApprunnerService, {
      instance_configuration: { cpu: '0.25 vCPU', memory: '0.5 GB' },
      health_check_configuration: {
        protocol: 'HTTP',
        path: '/healthz',
        interval: 5,
        timeout: 2,
        healthy_threshold: 1,
        unhealthy_threshold: 3,
      },
    });
  });

  test('scales with its own auto scaling configuration version', () => {
    expect(synth).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, {
      auto_scaling_configuration_name: 'shop-as',
      min_size: 1,
      max_size: 3,
      max_concurrency: 50,
    });
    expect(synth).toHaveResourceWithProperties(ApprunnerService, {
      auto_scaling_configuration_arn: '${aws_apprunner_auto_scaling_configuration_version.secondary_auto_scaling.arn}',
    });
  });

  test('an ECR_PUBLIC image needs no access role', () => {
    expect(synth).not.toHaveResource(IamRole);
    expect(service.accessRole).toBeUndefined();
  });

  test('exposes its URL and the bare host name used as the origin domain', () => {
    expect(service.originDomainName).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(service.serviceUrl.startsWith('https://')).toBe(true);
    expect(service.healthCheckPath).toBe('/healthz');
  });

  test('a private ECR image gets an access role App Runner can assume', () => {
    const { synth: s } = build({ image: { identifier: '123456789012.dkr.ecr.us-west-2.amazonaws.com/shop:1', repositoryType: 'ECR' } });
    const role = Object.values(JSON.parse(s).resource.aws_iam_role)[0] as { assume_role_policy: string };
    expect(role.assume_role_policy).toContain('build.apprunner.amazonaws.com');
    expect(s).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess',
    });
    expect(s).toHaveResourceWithProperties(ApprunnerService, {
      source_configuration: expect.objectContaining({
        authentication_configuration: { access_role_arn: '${aws_iam_role.secondary_ecr_access_role.arn}' },
      }),
    });
  });

  test.each([
    [
      'a service name over 40 characters',
      { serviceName: 'x'.repeat(41) },
      /serviceName \(from construct [^)]+\) = "x{41}": allowed: 4 to 40 characters/,
    ],
    [
      'an auto scaling name over 32 characters',
      { autoScalingConfigurationName: 'y'.repeat(33) },
      /autoScalingConfigurationName \(from construct [^)]+\) = "y{33}": allowed: 4 to 32/,
    ],
    [
      'min size above max size',
      { autoScaling: { minSize: 4, maxSize: 2, maxConcurrency: 10 } },
      /autoScaling\.minSize \(from construct [^)]+\) = 4: allowed: at most autoScaling.maxSize \(2\)/,
    ],
    [
      'PORT in the environment',
      { environment: { PORT: '9000' } },
      /environment\.PORT \(from construct [^)]+\) = "PORT": allowed: environment variable names other than PORT/,
    ],
    [
      'a memory size the CPU does not pair with',
      { cpu: '1 vCPU', memory: '0.5 GB' },
      /memory \(from construct [^)]+\) = "0.5 GB": allowed: with cpu 1 vCPU: 2 GB, 3 GB, 4 GB/,
    ],
    [
      'a concurrency above 200',
      { autoScaling: { minSize: 1, maxSize: 2, maxConcurrency: 201 } },
      /autoScaling\.maxConcurrency .* = 201: allowed: an integer from 1 to 200/,
    ],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => build(overrides as Partial<RegionalServiceProps>)).toThrow(message);
  });

  test('a rejected property is a usage error (exit 2)', () => {
    expect(() => build({ environment: { PORT: '1' } })).toThrow(ConstructValidationError);
    try {
      build({ environment: { PORT: '1' } });
    } catch (e) {
      expect(exitCodeOf(e)).toBe(2);
    }
  });

  test("the construct's defaults equal the config defaults", () => {
    const c = parseConfig({});
    const d = REGIONAL_SERVICE_DEFAULTS;
    expect({ port: d.port, cpu: d.cpu, memory: d.memory, autoScaling: d.autoScaling, healthCheck: d.healthCheck }).toEqual({
      port: c.service.port,
      cpu: c.service.cpu,
      memory: c.service.memory,
      autoScaling: c.service.autoScaling,
      healthCheck: c.service.healthCheck,
    });
  });
});

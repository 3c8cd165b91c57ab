import type { Construct } from 'constructs';
import { Token } from 'cdktf';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service/index.js';
import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import {
  APP_RUNNER_AUTO_SCALING,
  APP_RUNNER_ECR_ACCESS,
  APP_RUNNER_NAMES,
  APP_RUNNER_RESERVED_ENV_NAMES,
  APP_RUNNER_SECRETS,
  isReservedAppRunnerEnvName,
} from '../../core/aws-facts.js';
import { nameAfterPath } from '../naming.js';
import { checkRange, invalid } from '../validation.js';
import { RegionalComputeBase } from './base.js';
import { REGIONAL_COMPUTE_DEFAULTS, type RegionalComputeProps } from './regional-compute.js';
import { grantSecretRead, serviceRole, storeSecretEnvironment, type StoredSecretEnvironment } from './service-role.js';

/**
 * The construct's defaults. They equal the config defaults (a test holds them equal), so a
 * service built without the config is the size the config would give it, not App Runner's
 * own default of 1 vCPU / 2 GB.
 */
export const REGIONAL_SERVICE_DEFAULTS = {
  ...REGIONAL_COMPUTE_DEFAULTS,
  autoScaling: { minSize: 1, maxSize: 2, maxConcurrency: 100 },
  healthCheck: {
    protocol: 'HTTP' as const,
    path: '/health',
    intervalSeconds: 5,
    timeoutSeconds: 2,
    healthyThreshold: 1,
    unhealthyThreshold: 3,
  },
} as const;

export interface RegionalServiceProps extends RegionalComputeProps {
  /** App Runner service name, 4 to 40 characters. */
  readonly serviceName: string;
  /** Auto scaling configuration name, 4 to 32 characters. */
  readonly autoScalingConfigurationName: string;
  readonly image: {
    readonly identifier: string;
    /** ECR_PUBLIC or ECR. ECR adds an access role for build.apprunner.amazonaws.com. */
    readonly repositoryType: 'ECR_PUBLIC' | 'ECR';
  };
  /** Runtime environment variables; App Runner's reserved names (PORT) are refused. @default - none */
  readonly environment?: Record<string, string>;
  /** @default - min 1, max 2, concurrency 100 */
  readonly autoScaling?: { readonly minSize: number; readonly maxSize: number; readonly maxConcurrency: number };
  /** @default - HTTP on /health, interval 5, timeout 2, healthy 1, unhealthy 3 */
  readonly healthCheck?: {
    readonly protocol: 'HTTP' | 'TCP';
    readonly path: string;
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

/** An App Runner service with its auto scaling configuration and health check. */
export class AppRunnerRegionalService extends RegionalComputeBase {
  readonly backend = 'apprunner' as const;
  /** The role App Runner's instances assume to read `secretEnvironment`, when a store holds it. */
  readonly instanceRole?: IamRole;
  readonly service: ApprunnerService;
  readonly autoScaling: ApprunnerAutoScalingConfigurationVersion;
  /** Present when the image is in private ECR. */
  readonly accessRole?: IamRole;

  constructor(scope: Construct, id: string, props: RegionalServiceProps) {
    const d = REGIONAL_SERVICE_DEFAULTS;
    const health = props.healthCheck ?? d.healthCheck;
    super(scope, id, props, health.protocol === 'HTTP' ? health.path : '/');
    const autoScaling = props.autoScaling ?? d.autoScaling;
    const cpu = props.cpu ?? d.cpu;
    const memory = props.memory ?? d.memory;
    validateName(this, 'serviceName', props.serviceName, APP_RUNNER_NAMES.serviceName);
    validateName(this, 'autoScalingConfigurationName', props.autoScalingConfigurationName, APP_RUNNER_NAMES.autoScalingConfigurationName);
    checkRange(this, 'autoScaling.minSize', autoScaling.minSize, APP_RUNNER_AUTO_SCALING.minSize);
    checkRange(this, 'autoScaling.maxSize', autoScaling.maxSize, APP_RUNNER_AUTO_SCALING.maxSize);
    checkRange(this, 'autoScaling.maxConcurrency', autoScaling.maxConcurrency, APP_RUNNER_AUTO_SCALING.maxConcurrency);
    if (autoScaling.minSize > autoScaling.maxSize) {
      invalid(this, 'autoScaling.minSize', autoScaling.minSize, `at most autoScaling.maxSize (${autoScaling.maxSize})`);
    }
    this.validateCpuMemory(cpu, memory, 'allowed');
    for (const name of Object.keys(props.environment ?? {})) {
      if (isReservedAppRunnerEnvName(name)) {
        invalid(
          this,
          `environment.${name}`,
          name,
          `environment variable names other than ${APP_RUNNER_RESERVED_ENV_NAMES.join(', ')}: App Runner reserves them and sets PORT from the port property`,
        );
      }
    }

    this.autoScaling = nameAfterPath(
      new ApprunnerAutoScalingConfigurationVersion(this, 'auto-scaling', {
        provider: props.provider,
        autoScalingConfigurationName: props.autoScalingConfigurationName,
        minSize: autoScaling.minSize,
        maxSize: autoScaling.maxSize,
        maxConcurrency: autoScaling.maxConcurrency,
        tags: props.tags,
      }),
    );

    if (props.image.repositoryType === 'ECR') {
      this.accessRole = serviceRole(this, 'ecr-access-role', APP_RUNNER_ECR_ACCESS.principal, {
        provider: props.provider,
        name: `${props.serviceName}-ecr-access`,
        description: `Lets App Runner pull ${props.image.identifier} for ${props.serviceName}`,
        tags: props.tags,
      });
      nameAfterPath(
        new IamRolePolicyAttachment(this, 'ecr-access-policy', {
          provider: props.provider,
          role: this.accessRole.name,
          policyArn: APP_RUNNER_ECR_ACCESS.policyArn,
        }),
      );
    }

    const secrets = this.storeSecrets(props);
    this.instanceRole = secrets.role;

    this.service = nameAfterPath(
      new ApprunnerService(this, 'service', {
        provider: props.provider,
        serviceName: props.serviceName,
        autoScalingConfigurationArn: this.autoScaling.arn,
        sourceConfiguration: {
          // ECR_PUBLIC does not support automatic deployments.
          autoDeploymentsEnabled: false,
          authenticationConfiguration: this.accessRole ? { accessRoleArn: this.accessRole.arn } : undefined,
          imageRepository: {
            imageIdentifier: props.image.identifier,
            imageRepositoryType: props.image.repositoryType,
            imageConfiguration: {
              port: String(props.port ?? d.port),
              startCommand: props.startCommand || undefined,
              runtimeEnvironmentVariables: { ...props.environment, ...secrets.plainText },
              runtimeEnvironmentSecrets: secrets.references,
            },
          },
        },
        instanceConfiguration: { cpu, memory, instanceRoleArn: this.instanceRole?.arn },
        healthCheckConfiguration: {
          protocol: health.protocol,
          path: health.protocol === 'HTTP' ? health.path : undefined,
          interval: health.intervalSeconds,
          timeout: health.timeoutSeconds,
          healthyThreshold: health.healthyThreshold,
          unhealthyThreshold: health.unhealthyThreshold,
        },
        tags: props.tags,
      }),
    );

    this.expose({
      serviceArn: this.service.arn,
      serviceId: this.service.serviceId,
      serviceName: this.service.serviceName,
      originDomainName: this.service.serviceUrl,
      servedRequestsMetric: {
        namespace: 'AWS/AppRunner',
        metricName: 'Requests',
        dimensions: { ServiceName: this.service.serviceName, ServiceID: this.service.serviceId },
      },
    });
  }

  /**
   * Puts `secretEnvironment` into its store and returns what the service references: ARNs for
   * `runtime_environment_secrets` (read with an instance role), or, with the plain-text opt-out, the values themselves.
   */
  private storeSecrets(props: RegionalServiceProps): StoredSecretEnvironment & { role?: IamRole } {
    const stored = storeSecretEnvironment(this, {
      provider: props.provider,
      owner: props.serviceName,
      ownerKind: 'the App Runner service',
      secretEnvironment: props.secretEnvironment,
      store: props.secretStore,
      tags: props.tags,
    });
    if (!stored.references) return stored;
    const role = serviceRole(this, 'instance-role', APP_RUNNER_SECRETS.instanceRolePrincipal, {
      provider: props.provider,
      name: `${props.serviceName}-instance`,
      description: `Lets the App Runner service ${props.serviceName} read its runtime environment secrets`,
      tags: props.tags,
    });
    grantSecretRead(this, 'instance-role-secrets', {
      provider: props.provider,
      role,
      policyName: 'read-runtime-environment-secrets',
      actions: props.secretStore === 'ssm-parameter' ? APP_RUNNER_SECRETS.ssmActions : APP_RUNNER_SECRETS.secretsManagerActions,
      references: stored.references,
    });
    return { ...stored, role };
  }
}

function validateName(scope: Construct, field: string, value: string, len: { readonly min: number; readonly max: number }): void {
  if (Token.isUnresolved(value)) return;
  if (value.length < len.min || value.length > len.max || !APP_RUNNER_NAMES.pattern.test(value)) {
    invalid(scope, field, value, `${len.min} to ${len.max} characters of letters, digits, "-" and "_", starting with a letter or digit`);
  }
}

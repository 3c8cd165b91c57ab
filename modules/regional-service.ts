import { Construct } from 'constructs';
import { Token, type TerraformProvider } from 'cdktf';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service/index.js';
import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import {
  APP_RUNNER_AUTO_SCALING,
  APP_RUNNER_CPU_MEMORY,
  APP_RUNNER_ECR_ACCESS,
  APP_RUNNER_NAMES,
  APP_RUNNER_RESERVED_ENV_NAMES,
  APP_RUNNER_SECRETS,
  isReservedAppRunnerEnvName,
  type ComputeBackend,
  type SecretStore,
} from '../core/aws-facts.js';
import type { Role } from '../core/roles.js';
import { nameAfterPath } from './naming.js';
import { grantSecretRead, serviceRole, storeSecretEnvironment, type StoredSecretEnvironment } from './service-role.js';
import { checkRange, invalid } from './validation.js';

/**
 * The construct's defaults. They equal the config defaults (a test holds them equal), so a
 * service built without the config is the size the config would give it, not App Runner's
 * own default of 1 vCPU / 2 GB.
 */
export const REGIONAL_SERVICE_DEFAULTS = {
  port: 8080,
  cpu: '0.25 vCPU',
  memory: '0.5 GB',
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

/**
 * What the edge and the monitoring layer need from a region's compute, whatever runs it.
 * App Runner implements it here, ECS Express Mode in ecs-express-service.ts.
 */
export interface IRegionalCompute {
  /** Which compute backend runs the service. @default 'apprunner' */
  readonly backend?: ComputeBackend;
  /**
   * The metric that counts requests the service answered for viewers (Sum per period):
   * AWS/AppRunner Requests, or AWS/ApplicationELB HTTPCode_Target_2XX_Count of the service's target group.
   */
  readonly servedRequestsMetric?: ServedRequestsMetric;
  /** primary or secondary. */
  readonly role: Role;
  /** AWS region the compute runs in. */
  readonly region: string;
  /** The provider its resources use. */
  readonly provider: TerraformProvider;
  readonly serviceArn: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** https:// URL of the service. */
  readonly serviceUrl: string;
  /** Bare host name, used as the CloudFront origin domain. */
  readonly originDomainName: string;
  /** The path the service reports health on (for Route 53 health checks). */
  readonly healthCheckPath: string;
}

/** A CloudWatch metric (namespace, name, dimensions) summed per period. */
export interface ServedRequestsMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What every regional backend takes: the service, where it runs, and what the container runs. */
export interface RegionalComputeProps {
  readonly role: Role;
  /** Provider configured for the service's region. */
  readonly provider: TerraformProvider;
  /** Region of that provider (plain string; providers carry no readable region). */
  readonly region: string;
  /** Service name (each backend states its own limits). */
  readonly serviceName: string;
  /** @default 8080 */
  readonly port?: number;
  /** One line. @default - the image's own command */
  readonly startCommand?: string;
  /** Environment variables (each backend states how it treats PORT). @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables whose values are sensitive (name -> value, a token allowed). Kept in
   * `secretStore` and referenced by ARN, read with the backend's role.
   * @default - none
   */
  readonly secretEnvironment?: Record<string, string>;
  /**
   * Where `secretEnvironment` values live: a Secrets Manager secret, an SSM SecureString parameter,
   * or (an explicit opt-out) plain-text environment variables.
   * @default 'secrets-manager'
   */
  readonly secretStore?: SecretStore;
  /** App Runner's spelling ("0.25 vCPU"). @default '0.25 vCPU' */
  readonly cpu?: string;
  /** App Runner's spelling ("0.5 GB"). @default '0.5 GB' */
  readonly memory?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

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
export class AppRunnerRegionalService extends Construct implements IRegionalCompute {
  readonly backend = 'apprunner' as const;
  readonly servedRequestsMetric: ServedRequestsMetric;

  /** The role App Runner's instances assume to read `secretEnvironment`, when a store holds it. */
  readonly instanceRole?: IamRole;
  readonly role: Role;
  readonly region: string;
  readonly provider: TerraformProvider;
  readonly serviceArn: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly serviceUrl: string;
  readonly originDomainName: string;
  readonly healthCheckPath: string;
  readonly service: ApprunnerService;
  readonly autoScaling: ApprunnerAutoScalingConfigurationVersion;
  /** Present when the image is in private ECR. */
  readonly accessRole?: IamRole;

  constructor(scope: Construct, id: string, props: RegionalServiceProps) {
    super(scope, id);
    const d = REGIONAL_SERVICE_DEFAULTS;
    const autoScaling = props.autoScaling ?? d.autoScaling;
    const health = props.healthCheck ?? d.healthCheck;
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
    if (!Token.isUnresolved(cpu) && !Token.isUnresolved(memory)) {
      const memories: readonly string[] | undefined = (APP_RUNNER_CPU_MEMORY as Readonly<Record<string, readonly string[]>>)[cpu];
      if (memories === undefined) invalid(this, 'cpu', cpu, `one of ${Object.keys(APP_RUNNER_CPU_MEMORY).join(', ')}`);
      if (!memories.includes(memory)) invalid(this, 'memory', memory, `with cpu ${cpu}: ${memories.join(', ')}`);
    }
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

    this.role = props.role;
    this.region = props.region;
    this.provider = props.provider;
    this.healthCheckPath = health.protocol === 'HTTP' ? health.path : '/';

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

    this.serviceArn = this.service.arn;
    this.serviceId = this.service.serviceId;
    this.serviceName = this.service.serviceName;
    this.originDomainName = this.service.serviceUrl;
    this.serviceUrl = `https://${this.service.serviceUrl}`;
    this.servedRequestsMetric = {
      namespace: 'AWS/AppRunner',
      metricName: 'Requests',
      dimensions: { ServiceName: this.serviceName, ServiceID: this.serviceId },
    };
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

import { Construct } from 'constructs';
import { Fn, type TerraformProvider } from 'cdktf';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service/index.js';
import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { nameAfterPath } from './naming.js';

/**
 * What the edge and the monitoring layer need from a region's compute, whatever runs it.
 * App Runner implements it today; another backend (ECS Express Mode) can implement it later.
 */
export interface IRegionalCompute {
  /** primary or secondary. */
  readonly role: 'primary' | 'secondary';
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

export interface RegionalServiceProps {
  readonly role: 'primary' | 'secondary';
  /** Provider configured for the service's region. */
  readonly provider: TerraformProvider;
  /** Region of that provider (plain string; providers carry no readable region). */
  readonly region: string;
  /** App Runner service name, 4 to 40 characters. */
  readonly serviceName: string;
  /** Auto scaling configuration name, 4 to 32 characters. */
  readonly autoScalingConfigurationName: string;
  readonly image: {
    readonly identifier: string;
    /** ECR_PUBLIC or ECR. ECR adds an access role for build.apprunner.amazonaws.com. */
    readonly repositoryType: 'ECR_PUBLIC' | 'ECR';
  };
  /** @default 8080 */
  readonly port?: number;
  /** @default - the image's own command */
  readonly startCommand?: string;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** @default '1 vCPU' */
  readonly cpu?: string;
  /** @default '2 GB' */
  readonly memory?: string;
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
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** An App Runner service with its auto scaling configuration and health check. */
export class AppRunnerRegionalService extends Construct implements IRegionalCompute {
  readonly role: 'primary' | 'secondary';
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
    const autoScaling = props.autoScaling ?? { minSize: 1, maxSize: 2, maxConcurrency: 100 };
    const health = props.healthCheck ?? {
      protocol: 'HTTP' as const,
      path: '/health',
      intervalSeconds: 5,
      timeoutSeconds: 2,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
    };
    validateName('serviceName', props.serviceName, 4, 40);
    validateName('autoScalingConfigurationName', props.autoScalingConfigurationName, 4, 32);
    if (autoScaling.minSize > autoScaling.maxSize) {
      throw new Error(`${id}: autoScaling.minSize (${autoScaling.minSize}) must be at most autoScaling.maxSize (${autoScaling.maxSize})`);
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
      this.accessRole = nameAfterPath(
        new IamRole(this, 'ecr-access-role', {
          provider: props.provider,
          name: `${props.serviceName}-ecr-access`,
          description: `Lets App Runner pull ${props.image.identifier} for ${props.serviceName}`,
          assumeRolePolicy: Fn.jsonencode({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'build.apprunner.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          }),
          tags: props.tags,
        }),
      );
      nameAfterPath(
        new IamRolePolicyAttachment(this, 'ecr-access-policy', {
          provider: props.provider,
          role: this.accessRole.name,
          policyArn: 'arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess',
        }),
      );
    }

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
              port: String(props.port ?? 8080),
              startCommand: props.startCommand || undefined,
              runtimeEnvironmentVariables: props.environment,
            },
          },
        },
        instanceConfiguration: { cpu: props.cpu ?? '1 vCPU', memory: props.memory ?? '2 GB' },
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
  }
}

function validateName(field: string, value: string, min: number, max: number): void {
  if (value.length < min || value.length > max || !/^[A-Za-z0-9][A-Za-z0-9-_]*$/.test(value)) {
    throw new Error(
      `${field} "${value}" must be ${min} to ${max} characters of letters, digits, "-" and "_", starting with a letter or digit`,
    );
  }
}
